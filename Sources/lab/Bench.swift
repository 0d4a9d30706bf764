import ArgumentParser

/// `lab bench`: the lab's components against the peer tools on the shared benchmark workloads.
struct Bench: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Benchmark the lab's components against the peer tools (SPAMS, scikit-learn, SAELens) on the same machine.",
    subcommands: [BenchEncode.self, BenchGenerate.self])
}
