using YamlDotNet.RepresentationModel;

namespace Homeserver.Configuration;

/// <summary>
/// Rewrites Synapse's listener resource form, <c>resources: [{names: [client, federation], compress: false}]</c>,
/// into the flat list the model uses, <c>resources: [client, federation]</c>, so Synapse configs load as they are.
/// </summary>
public static class SynapseListenerResources
{
    public static IReadOnlyList<string> Flatten(YamlMappingNode root)
    {
        var warnings = new List<string>();
        if (!root.Children.TryGetValue(new YamlScalarNode("listeners"), out var listeners) || listeners is not YamlSequenceNode sequence)
            return warnings;
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            if (sequence.Children[i] is not YamlMappingNode listener ||
                !listener.Children.TryGetValue(new YamlScalarNode("resources"), out var resources) ||
                resources is not YamlSequenceNode entries || !entries.Children.Any(e => e is YamlMappingNode))
                continue;
            var flat = new YamlSequenceNode();
            for (var j = 0; j < entries.Children.Count; j++)
            {
                if (entries.Children[j] is not YamlMappingNode entry)
                {
                    flat.Children.Add(entries.Children[j]);
                    continue;
                }
                foreach (var (key, value) in entry.Children)
                {
                    if (key is YamlScalarNode { Value: "names" })
                    {
                        if (value is YamlSequenceNode names) foreach (var name in names.Children) flat.Children.Add(name);
                        else flat.Children.Add(value);
                    }
                    else
                        warnings.Add($"listeners[{i}].resources[{j}].{key}: unknown key, ignored");
                }
            }
            listener.Children[new YamlScalarNode("resources")] = flat;
        }
        return warnings;
    }
}
