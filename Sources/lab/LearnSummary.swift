import Foundation
import LabFormats
import LabSolvers

/// The JSON summary of a `lab learn` run and the files it writes.
struct LearnSummary {
  /// The summary's fields, JSON-ready (sorted keys on output).
  var fields: [String: Any]

  init(command: Learn, method: LearnMethod, result: LearningResult, wallSeconds: Double) {
    let problem = result.problem
    fields = [
      "command": "learn", "method": method.rawValue, "data": command.data, "out": command.out,
      "samples": problem.samples.rows, "dimension": problem.samples.columns, "atoms": problem.dictionary.rows,
      "lambda": problem.lambda, "bias": problem.hasBias, "epochs": command.epochs ?? Learn.defaultEpochs, "batch": command.batch, "memory": command.memory.description,
      "seed": command.seed, "threads": command.threads, "init": command.initDirectory ?? NSNull(),
      "timeLimit": command.timeLimit ?? NSNull(),
      "termination": result.termination.rawValue, "iterations": result.iterations,
      "objectiveHistory": result.objectiveHistory, "objective": result.objective,
      "meanObjective": result.objective / Double(problem.samples.rows),
      "kkt": ["K1": result.kkt.codes, "K2": result.kkt.atoms, "K3": result.kkt.bias, "maximum": result.kkt.maximum],
      "reseededAtoms": result.reseededAtoms, "wallSeconds": wallSeconds,
    ]
    if let escapes = result.escapes { fields["escapeMoves"] = Self.fields(escapes) }
  }

  /// The escape moves as JSON: moves measured and kept (pair moves among them), and the summed measured decrease of the probe losses.
  static func fields(_ escapes: EscapeMoves.Outcome) -> [String: Any] {
    ["proposed": escapes.proposed, "accepted": escapes.accepted, "pairMoves": escapes.pairMoves, "measuredDecrease": escapes.decrease]
  }

  /// One JSON line (sorted keys).
  func line() throws -> Data {
    try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes])
  }

  /// The names ``files(result:codesType:summary:)`` can write (bias.npy only with a free bias).
  static let names = ["dictionary.npy", "bias.npy", "codes.npy", "summary.json"]

  /// Every output file, prepared in memory: the dictionary and bias in float64 (exact for warm
  /// starts), the exact codes in the precision of X, and `summary.json`.
  static func files(result: LearningResult, codesType: NumPyArray.ElementType,
                    summary: LearnSummary) throws -> [(name: String, contents: Data)] {
    var files: [(name: String, contents: Data)] = [("dictionary.npy", NumPyArray(result.problem.dictionary, as: .float64).encoded)]
    if let bias = result.problem.bias { files.append(("bias.npy", NumPyArray(vector: bias, as: .float64).encoded)) }
    files.append(("codes.npy", NumPyArray(result.problem.codes, as: codesType).encoded))
    let pretty = try JSONSerialization.data(withJSONObject: summary.fields, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
    files.append(("summary.json", pretty + Data("\n".utf8)))
    return files
  }
}
