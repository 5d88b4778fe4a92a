using Homeserver.LoadTest;

// Load test of a running homeserver (started by bench/run-send-sync, which passes these options):
//   dotnet Homeserver.LoadTest.dll --url http://127.0.0.1:PORT --backend postgres|sqlite --output SECTION.md
//       [--duration 10] [--runs 3] [--clients 1,8,64,256] [--rooms 1,10,100] [--load-clients 64] [--idle-polls 1000]
//       [--wakeup-samples 200] [--wakeup-seconds 60] [--database-work-sends 200] [--server-pid PID]
//       [--postgres CONNECTION_STRING] [--sqlite-baseline PATH] [--targets FILE.jsonl] [--baselines VALUES]
// the suite's baselines (started by bench/run against a running server):
//   dotnet Homeserver.LoadTest.dll --measure-baselines --url URL --postgres CONNECTION_STRING --output SECTION.md
//       --values VALUES [--duration 5] [--runs 3] [--server-pid PID] [--command "COMMAND LINE"]
// and, to assemble the report from the backends' sections:
//   dotnet Homeserver.LoadTest.dll --report OUTPUT.md --command "COMMAND LINE" [--header] SECTION.md...
try
{
    if (args.Length >= 4 && args[0] == "--report" && args[2] == "--command")
    {
        var header = args.Length > 4 && args[4] == "--header";
        var sections = args[(header ? 5 : 4)..].Select(File.ReadAllText);
        await File.WriteAllTextAsync(args[1], (header ? MarkdownReport.Header() : "") + MarkdownReport.Wrap(args[3], sections));
        Console.WriteLine($"wrote {args[1]}");
        return 0;
    }
    using var interrupted = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        interrupted.Cancel();
    };
    if (args.Length > 0 && args[0] == "--measure-baselines")
        return await MeasureBaselinesAsync(BaselineOptions.Parse(args[1..]), interrupted.Token);

    var options = LoadTestOptions.Parse(args);
    var results = await new SendSyncBenchmark(options).RunAsync(interrupted.Token);
    await File.WriteAllTextAsync(options.Output, MarkdownReport.Section(results));
    TargetLines.Append(options.TargetsPath, MarkdownReport.Targets(results));
    return 0;
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

static async Task<int> MeasureBaselinesAsync(BaselineOptions o, CancellationToken cancellationToken)
{
    var baselines = await new BaselinesBenchmark(o.ServerUrl, o.PostgresConnectionString, o.Duration, o.Runs, o.ServerPid).RunAsync(cancellationToken);
    baselines.Save(o.ValuesPath);
    await File.WriteAllTextAsync(o.Output, BaselinesBenchmark.Section(baselines, o.Runs, o.Duration, o.CommandLine), cancellationToken);
    return 0;
}
