namespace Homeserver.Configuration;

/// <summary>Marks an option whose value is secret: tools that print the configuration redact it.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SecretOptionAttribute : Attribute;
