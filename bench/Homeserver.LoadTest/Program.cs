using Homeserver.LoadTest;

// Load test of a running homeserver (started by bench/run-send-sync, which passes these options):
//   dotnet Homeserver.LoadTest.dll --url http://127.0.0.1:PORT --backend postgres|sqlite --output SECTION.md
//       [--duration 10] [--clients 1,8,64] [--wakeup-samples 200] [--wakeup-seconds 60] [--server-pid PID]
//       [--postgres CONNECTION_STRING] [--sqlite-baseline PATH]
// and, to assemble the report from the sections:
//   dotnet Homeserver.LoadTest.dll --report OUTPUT.md --command "COMMAND LINE" SECTION.md...
try
{
    if (args.Length >= 4 && args[0] == "--report" && args[2] == "--command")
    {
        var report = MarkdownReport.Header(args[3]) + string.Concat(args[4..].Select(File.ReadAllText));
        await File.WriteAllTextAsync(args[1], report);
        Console.WriteLine($"wrote {args[1]}");
        return 0;
    }
    var options = LoadTestOptions.Parse(args);
    using var interrupted = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        interrupted.Cancel();
    };
    var results = await new SendSyncBenchmark(options).RunAsync(interrupted.Token);
    await File.WriteAllTextAsync(options.Output, MarkdownReport.Section(results));
    return 0;
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
