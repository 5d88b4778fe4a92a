namespace Homeserver.Configuration;

/// <summary>Marks a <see cref="long"/> option whose YAML value uses size notation (<c>512K</c>, <c>10M</c>, <c>1G</c>).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ByteSizeAttribute : Attribute;
