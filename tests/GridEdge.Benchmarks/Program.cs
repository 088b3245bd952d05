using BenchmarkDotNet.Running;
using GridEdge.Benchmarks;

// dotnet run -c Release --project tests/GridEdge.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(OutboxBenchmarks).Assembly).Run(args);
