namespace Homeserver.Hosting;

/// <summary>Set on every connection Kestrel accepts: the index of the configured listener it arrived on.</summary>
public sealed record ListenerFeature(int ListenerIndex);
