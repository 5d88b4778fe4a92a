using System.Reflection;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Homeserver.Configuration;

/// <summary>How configuration properties are named in YAML, and which properties are options at all.</summary>
public static class ConfigNames
{
    /// <summary>The YAML key of an option: its <see cref="YamlMemberAttribute.Alias"/>, else the snake_case property name.</summary>
    public static string YamlName(PropertyInfo property) =>
        property.GetCustomAttribute<YamlMemberAttribute>()?.Alias ?? UnderscoredNamingConvention.Instance.Apply(property.Name);

    /// <summary>The settable options of a config class, excluding computed and <see cref="YamlIgnoreAttribute"/> members.</summary>
    public static IEnumerable<PropertyInfo> Options(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.GetCustomAttribute<YamlIgnoreAttribute>() is null);

    /// <summary>Whether values of this type are YAML mappings bound property by property.</summary>
    public static bool IsSection(Type type) => type.IsClass && type != typeof(string) && !IsList(type, out _) && !IsDictionary(type, out _);

    public static bool IsList(Type type, out Type elementType)
    {
        elementType = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>) ? type.GetGenericArguments()[0] : typeof(void);
        return elementType != typeof(void);
    }

    /// <summary>Whether values of this type are YAML mappings with free keys (<c>Dictionary&lt;string, T&gt;</c>).</summary>
    public static bool IsDictionary(Type type, out Type valueType)
    {
        valueType = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>) && type.GetGenericArguments()[0] == typeof(string)
            ? type.GetGenericArguments()[1]
            : typeof(void);
        return valueType != typeof(void);
    }
}
