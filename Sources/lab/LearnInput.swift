import Foundation
import LabFormats
import LabNumerics

/// The validated inputs of `lab learn`: the data and the starting state, read before anything runs.
struct LearnInput {
  /// The data X, `N × m`.
  var samples: Matrix<Double>
  /// The stored precision of X (codes are written in it).
  var elementType: NumPyArray.ElementType
  /// The starting dictionary from `--init`, or `nil` for a seeded draw.
  var initialDictionary: Matrix<Double>?
  /// The starting bias: from `--init` when saved there, else zeros; `nil` without `--bias`.
  var initialBias: [Double]?

  /// Reads and checks `--data` and `--init`; every failure is a message naming the file, field and value.
  static func load(data path: String, atoms: Int, bias: Bool, initDirectory: String?) throws(FormatError) -> LearnInput {
    let array = try NumPyArray(contentsOf: path)
    let samples: Matrix<Double> = try array.matrix(path: path, role: "the data X (N × m)")
    guard samples.rows >= 1, samples.columns >= 1 else {
      throw FormatError(path: path, "the data X must have at least one row and one column, got shape (\(samples.rows), \(samples.columns))")
    }
    var input = LearnInput(samples: samples, elementType: array.elementType, initialDictionary: nil,
                           initialBias: bias ? [Double](repeating: 0, count: samples.columns) : nil)
    guard let initDirectory else { return input }
    let dictionaryPath = URL(fileURLWithPath: initDirectory).appendingPathComponent("dictionary.npy").path
    let dictionary: Matrix<Double> = try NumPyArray(contentsOf: dictionaryPath).matrix(path: dictionaryPath, role: "the dictionary D (K × m)")
    guard dictionary.rows == atoms, dictionary.columns == samples.columns else {
      throw FormatError(path: dictionaryPath, "shape is (\(dictionary.rows), \(dictionary.columns)); '--atoms' \(atoms) and the data (m = \(samples.columns)) need (\(atoms), \(samples.columns))")
    }
    for k in 0..<dictionary.rows where !(dictionary.row(k).reduce(0) { $0 + $1 * $1 } > 0) {
      throw FormatError(path: dictionaryPath, "row \(k) (an atom) is zero; every atom must have a direction")
    }
    input.initialDictionary = dictionary
    let biasPath = URL(fileURLWithPath: initDirectory).appendingPathComponent("bias.npy").path
    guard FileManager.default.fileExists(atPath: biasPath) else { return input }
    guard bias else {
      throw FormatError(path: biasPath, "the saved state has a free bias; pass '--bias' to continue it")
    }
    let saved = try NumPyArray(contentsOf: biasPath).vector(path: biasPath, role: "the bias b (m)")
    guard saved.count == samples.columns else {
      throw FormatError(path: biasPath, "length is \(saved.count); the data has m = \(samples.columns)")
    }
    input.initialBias = saved
    return input
  }
}
