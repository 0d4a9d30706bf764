import Foundation

/// The cases of `lab bench check` (issue 16 item 3): how each input is made and how it is checked.
enum BenchCheckCase: String, CaseIterable {
  /// `lab generate tree` (float32, N = 2000, m = 12, K = 9), its true dictionary at λ = 0.1: goal ≤ 5 s, decided.
  case treeFloat32 = "tree-float32"
  /// A relu-l1 SAE with 64 latents trained by `lab train` on N = 20,000 points of `tree-exactly-one`
  /// (m = 32), checked with `--sae` at λ = C/2 from its cfg.json: goal ≤ 30 s.
  case sae
  /// The same tree world in float64 with N = 500 at λ = 0.1, as the in-memory mode covered it before issue 16.
  case treeFloat64 = "tree-float64"
  /// A dictionary `lab learn --method block` certified on the float32 tree world (N = 1000, λ = 0.05):
  /// stationary, so LP-R decides (the case whose LP-R failed verification before the dual simplex).
  case learnedFloat32 = "learned-float32"
  /// Issue 19 item 5: a relu-l1 SAE with 16,384 latents in m = 768, trained briefly by `lab train`
  /// (150 steps of 1,024 at C = 5, so λ = 2.5: explained variance 0.29, L0 344) on its own draws of
  /// `synth-sae-bench-16k`, checked with `--sae` on N points of that world (`--sae-16k-points`,
  /// float32): goal ≤ 15 min at N = 10⁵, decided, peak memory ≤ 8 GB. (50 steps at C = 1 left half
  /// the latents active, and the check of 10⁴ points ran past 15 minutes.) Not in the default cases:
  /// at N = 10⁴ the check takes 92 s on 2 cores (125.5 s, run back to back, before the streaming sums
  /// went atom by atom), and training the SAE about 2.5 minutes.
  case sae16k = "sae-16k"

  /// The cases `lab bench check` runs when `--cases` is not given.
  static let defaultCases: [BenchCheckCase] = [.treeFloat32, .sae, .treeFloat64, .learnedFloat32]

  /// The goal of the issue, in seconds, where it names one.
  var goalSeconds: Double? {
    switch self {
    case .treeFloat32: return 5
    case .sae: return 30
    case .sae16k: return 15 * 60
    case .treeFloat64, .learnedFloat32: return nil
    }
  }

  /// One untimed setup command of this binary and the file it makes (skipped when the file exists).
  struct Setup {
    var arguments: [String]
    var makes: String
  }

  /// The setup commands, in order; `points` is N of ``sae16k``.
  func setup(in directory: String, threads: Int, points: Int) -> [Setup] {
    let path = { (name: String) in URL(fileURLWithPath: directory).appendingPathComponent(name).path }
    let t = ["--threads", "\(threads)"]
    switch self {
    case .treeFloat32:
      return [Setup(arguments: ["generate", "tree", "--samples", "2000", "--out", path("tree-float32"), "--quiet"], makes: path("tree-float32/X.npy"))]
    case .treeFloat64:
      return [Setup(arguments: ["generate", "tree", "--samples", "500", "--precision", "float64", "--out", path("tree-float64"), "--quiet"],
                    makes: path("tree-float64/X.npy"))]
    case .learnedFloat32:
      return [Setup(arguments: ["generate", "tree", "--samples", "1000", "--out", path("tree-1000"), "--quiet"], makes: path("tree-1000/X.npy")),
              Setup(arguments: ["learn", "--data", path("tree-1000/X.npy"), "--atoms", "9", "--lambda", "0.05", "--method", "block",
                                "--out", path("learned"), "--quiet"] + t, makes: path("learned/dictionary.npy"))]
    case .sae:
      return [Setup(arguments: ["generate", "tree-exactly-one", "--samples", "20000", "--out", path("sae-data"), "--quiet"], makes: path("sae-data/X.npy")),
              Setup(arguments: ["train", "--data", path("sae-data/X.npy"), "--arch", "relu-l1", "--width", "64", "--l1", "0.2", "--batch", "256",
                                "--steps", "2000", "--lr", "0.001", "--seed", "0", "--out", path("sae"), "--quiet"] + t,
                    makes: path("sae/cfg.json"))]
    case .sae16k:
      let world = ["--random-streams", "per-batch", "--codes", "none", "--quiet"] + t
      return [Setup(arguments: ["generate", "synth-sae-bench-16k", "--samples", "51200", "--seed", "1", "--out", path("sae-16k-train")] + world,
                    makes: path("sae-16k-train/X.npy")),
              Setup(arguments: ["train", "--data", path("sae-16k-train/X.npy"), "--arch", "relu-l1", "--width", "16384", "--l1", "5",
                                "--batch", "1024", "--steps", "150", "--lr", "0.0003", "--seed", "0", "--out", path("sae-16k"), "--quiet"] + t,
                    makes: path("sae-16k/cfg.json")),
              Setup(arguments: ["generate", "synth-sae-bench-16k", "--samples", "\(points)", "--seed", "2", "--out", path("sae-16k-data-\(points)")] + world,
                    makes: path("sae-16k-data-\(points)/X.npy"))]
    }
  }

  /// The arguments of the timed `lab check` run; `points` is N of ``sae16k``.
  func check(in directory: String, threads: Int, points: Int) -> [String] {
    let path = { (name: String) in URL(fileURLWithPath: directory).appendingPathComponent(name).path }
    let t = ["--threads", "\(threads)"]
    switch self {
    case .treeFloat32:
      return ["check", "--data", path("tree-float32/X.npy"), "--dictionary", path("tree-float32/dictionary.npy"), "--lambda", "0.1"] + t
    case .treeFloat64:
      return ["check", "--data", path("tree-float64/X.npy"), "--dictionary", path("tree-float64/dictionary.npy"), "--lambda", "0.1"] + t
    case .learnedFloat32:
      return ["check", "--data", path("tree-1000/X.npy"), "--dictionary", path("learned/dictionary.npy"), "--lambda", "0.05"] + t
    case .sae:
      return ["check", "--data", path("sae-data/X.npy"), "--sae", path("sae")] + t
    case .sae16k:
      return ["check", "--data", path("sae-16k-data-\(points)/X.npy"), "--sae", path("sae-16k")] + t
    }
  }
}
