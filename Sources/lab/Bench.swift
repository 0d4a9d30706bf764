import ArgumentParser

/// `lab bench`: the lab's components against the peer tools on the shared benchmark workloads
/// (`../shared/bench/README.md`), run in the same invocation on the same machine.
struct Bench: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Benchmark the lab's components against the peer tools (SPAMS, scikit-learn, PyTorch, SAELens) on the same machine.",
    subcommands: [BenchEncode.self, BenchLearn.self, BenchScale.self, BenchTrain.self, BenchGenerate.self, BenchActivations.self])
}
