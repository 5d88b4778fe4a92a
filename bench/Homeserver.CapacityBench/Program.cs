using Homeserver.CapacityBench;

// Capacity workloads of issue #11 (started by bench/run-capacity, which passes these options):
//   dotnet Homeserver.CapacityBench.dll --server-dll Homeserver.dll --work DIR --backend postgres|sqlite
//       (--postgres CONNECTION_STRING | --sqlite FILE) --output SECTION.md [--runs 3] [--smoke] [--targets FILE]
//       [--sizes 1000x100,100x1000,10x10000] [--users 10000] [--state-changes 500] [--state-room-members 10,1000]
//       [--startup-events 1000000]
// to assemble the report from the sections:
//   dotnet Homeserver.CapacityBench.dll --report OUTPUT.md --command "COMMAND LINE" SECTION.md...
// and, as the baseline process the harness starts itself:
//   dotnet Homeserver.CapacityBench.dll --empty-aspnet PORT
try
{
    if (args.Length == 2 && args[0] == "--empty-aspnet")
    {
        await EmptyAspNetApp.RunAsync(int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture));
        return 0;
    }
    if (args.Length >= 4 && args[0] == "--report" && args[2] == "--command")
    {
        var report = CapacityReport.Header(args[3]) + string.Concat(args[4..].Select(File.ReadAllText));
        await File.WriteAllTextAsync(args[1], report);
        Console.WriteLine($"wrote {args[1]}");
        return 0;
    }
    var options = CapacityOptions.Parse(args);
    using var interrupted = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        interrupted.Cancel();
    };
    var results = await new CapacityBenchmark(options).RunAsync(interrupted.Token);
    await File.WriteAllTextAsync(options.Output, CapacityReport.Section(results));
    if (options.Targets is { } targets)
        await File.AppendAllLinesAsync(targets, CapacityReport.Targets(results));
    return 0;
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}
