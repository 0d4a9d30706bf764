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

  /// The goal of the issue, in seconds, where it names one.
  var goalSeconds: Double? {
    switch self {
    case .treeFloat32: return 5
    case .sae: return 30
    case .treeFloat64, .learnedFloat32: return nil
    }
  }

  /// One untimed setup command of this binary and the file it makes (skipped when the file exists).
  struct Setup {
    var arguments: [String]
    var makes: String
  }

  /// The setup commands, in order.
  func setup(in directory: String, threads: Int) -> [Setup] {
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
    }
  }

  /// The arguments of the timed `lab check` run.
  func check(in directory: String, threads: Int) -> [String] {
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
    }
  }
}
