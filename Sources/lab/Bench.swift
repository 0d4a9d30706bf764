import ArgumentParser

/// `lab bench`: the lab's components against the peer tools on the shared benchmark workloads
/// (`scripts/bench/`, the project's own peer scripts), run in the same invocation on the same machine.
struct Bench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bench",
    abstract: "Benchmark the lab's components against the peer tools (SPAMS, scikit-learn, PyTorch, SAELens) on the same machine.",
    discussion: """
      Speed is reported as ratios against a peer run in the same invocation; absolute figures drift on a shared machine.

      Examples:
        lab bench encode --samples 2000 --skip-peers
        lab bench learn --epochs 1 --skip-peers
        lab bench train --config small --steps 50
      """,
    subcommands: [BenchEncode.self, BenchLearn.self, BenchCheck.self, BenchScale.self, BenchTrain.self, BenchGenerate.self, BenchActivations.self])
}
