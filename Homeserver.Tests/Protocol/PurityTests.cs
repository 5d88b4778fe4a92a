using System.Reflection;
using System.Reflection.Emit;
using Homeserver.Federation.Json;

namespace Homeserver.Tests.Protocol;

/// <summary>
/// The pure protocol namespaces do no I/O: no method in them calls, reads or creates anything
/// from file, network, console, process environment or storage APIs. Checked by reading the IL.
/// </summary>
public class PurityTests
{
    private static readonly string[] PureNamespaces =
    [
        "Homeserver.Federation.Identifiers", "Homeserver.Federation.Json", "Homeserver.Federation.Signing",
        "Homeserver.Federation.Events",
    ];

    private static readonly string[] ForbiddenNamespaces =
        ["System.IO", "System.Net", "Microsoft.Data", "Npgsql", "Dapper", "Homeserver.Storage", "Microsoft.Extensions.Logging"];

    /// <summary>Pure parsing types that happen to live in forbidden namespaces.</summary>
    private static readonly Type[] AllowedTypes = [typeof(System.Net.IPAddress), typeof(System.Net.Sockets.AddressFamily)];

    private static readonly Type[] ForbiddenTypes = [typeof(Console), typeof(Environment), typeof(System.Diagnostics.Process)];

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    [Fact]
    public void Pure_protocol_namespaces_use_no_io_apis()
    {
        var assembly = typeof(CanonicalJson).Assembly;
        var pureTypes = assembly.GetTypes().Where(t => PureNamespaces.Any(ns => t.Namespace == ns)).ToList();
        pureTypes.Should().NotBeEmpty();

        var violations = new List<string>();
        foreach (var type in pureTypes)
        foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
                     .Cast<MethodBase>()
                     .Concat(type.GetConstructors(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static)))
        {
            foreach (var used in ReferencedMembers(method))
            {
                var declaring = used as Type ?? used.DeclaringType;
                if (declaring is null || AllowedTypes.Contains(declaring)) continue;
                if (ForbiddenTypes.Contains(declaring) || ForbiddenNamespaces.Any(ns => declaring.Namespace?.StartsWith(ns, StringComparison.Ordinal) == true))
                    violations.Add($"{type.FullName}.{method.Name} uses {declaring.FullName}.{used.Name}");
            }
        }
        violations.Should().BeEmpty();
    }

    [Fact]
    public void The_il_scan_sees_io_calls()
    {
        var method = typeof(PurityTests).GetMethod(nameof(ReadsAFile), BindingFlags.NonPublic | BindingFlags.Static)!;
        ReferencedMembers(method).Should().Contain(m => m.DeclaringType == typeof(File) && m.Name == nameof(File.Exists));
    }

    private static bool ReadsAFile() => File.Exists("/nonexistent");

    /// <summary>The members and types a method's IL refers to (calls, field accesses, type tokens).</summary>
    private static IEnumerable<MemberInfo> ReferencedMembers(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null) yield break;
        var module = method.Module;
        var genericTypeArgs = method.DeclaringType?.IsGenericType == true ? method.DeclaringType.GetGenericArguments() : null;
        var genericMethodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        var i = 0;
        while (i < il.Length)
        {
            OpCode opCode;
            if (il[i] == 0xFE) { opCode = OpCodesByValue[(short)(0xFE00 | il[i + 1])]; i += 2; }
            else { opCode = OpCodesByValue[il[i]]; i += 1; }

            switch (opCode.OperandType)
            {
                case OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok:
                    var token = BitConverter.ToInt32(il, i);
                    MemberInfo? member;
                    try { member = module.ResolveMember(token, genericTypeArgs, genericMethodArgs); }
                    catch (ArgumentException) { member = null; }
                    if (member is not null) yield return member;
                    i += 4;
                    break;
                case OperandType.InlineNone: break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar: i += 1; break;
                case OperandType.InlineVar: i += 2; break;
                case OperandType.InlineI8 or OperandType.InlineR: i += 8; break;
                case OperandType.InlineSwitch: i += 4 + 4 * BitConverter.ToInt32(il, i); break;
                default: i += 4; break;
            }
        }
    }
}
