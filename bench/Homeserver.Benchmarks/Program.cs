using BenchmarkDotNet.Running;
using Homeserver.Benchmarks.Storage;

// Run with: dotnet run -c Release --project bench/Homeserver.Benchmarks -- --filter '*'
// Storage (a console harness, not BenchmarkDotNet):
//   dotnet run -c Release --project bench/Homeserver.Benchmarks -- --storage [--events N] [--membership-changes N] [--backends sqlite,postgres]
if (args.Length > 0 && args[0] == "--storage")
    return await StorageBenchmark.RunAsync(args[1..]);
BenchmarkSwitcher.FromAssembly(typeof(StorageBenchmark).Assembly).Run(args);
return 0;
