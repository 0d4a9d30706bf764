import Foundation
import LabFormats
import LabNumerics

/// The validated inputs of `lab encode`: X (`N × m`), D (`K × m`, unit-norm rows) and b (length m).
/// Every check names the file, the field and the value, for exit code 2.
struct EncodeInput {
  /// How far an atom's norm may be from 1.
  static let normTolerance = 1e-6

  var samples: Matrix<Double>
  var dictionary: Matrix<Double>
  var bias: [Double]?
  /// The stored precision of X.
  var dataType: NumPyArray.ElementType

  /// Reads and checks the three files; `rows` keeps only the first rows of X when given.
  static func load(data: String, dictionary dictionaryPath: String, bias biasPath: String?, rows: Int? = nil) throws(FormatError) -> EncodeInput {
    let dataArray = try NumPyArray(contentsOf: data)
    var samples: Matrix<Double> = try dataArray.matrix(path: data, role: "the data X (N × m)")
    guard samples.rows >= 1 && samples.columns >= 1 else {
      throw FormatError(path: data, "the data X (N × m) must have at least one row and one column, got shape (\(samples.rows), \(samples.columns))")
    }
    if let rows, rows < samples.rows {
      samples = Matrix(rows: rows, columns: samples.columns, storage: Array(samples.storage[0..<(rows * samples.columns)]))
    }
    let (dictionary, bias) = try dictionaryAndBias(dictionaryPath, biasPath, columns: samples.columns, data: data)
    return EncodeInput(samples: samples, dictionary: dictionary, bias: bias, dataType: dataArray.elementType)
  }

  /// X opened for reading a block of rows at a time (``NumPyRowReader``), with D and b read and
  /// checked as ``load(data:dictionary:bias:rows:)`` checks them; X's elements are checked as its
  /// blocks are read.
  struct Streamed {
    var samples: NumPyRowReader
    var dictionary: Matrix<Double>
    var bias: [Double]?
  }

  /// Opens X and reads D and b for ``Streamed``.
  static func open(data: String, dictionary dictionaryPath: String, bias biasPath: String?) throws(FormatError) -> Streamed {
    let reader = try NumPyRowReader(path: data, role: "the data X (N × m)")
    guard reader.rows >= 1 && reader.columns >= 1 else {
      throw FormatError(path: data, "the data X (N × m) must have at least one row and one column, got shape (\(reader.rows), \(reader.columns))")
    }
    let (dictionary, bias) = try dictionaryAndBias(dictionaryPath, biasPath, columns: reader.columns, data: data)
    return Streamed(samples: reader, dictionary: dictionary, bias: bias)
  }

  /// D (`K × m`, unit-norm rows) and b (length m) for data of m = `columns` in `data`.
  private static func dictionaryAndBias(_ dictionaryPath: String, _ biasPath: String?, columns: Int, data: String) throws(FormatError)
    -> (Matrix<Double>, [Double]?)
  {
    let dictionary: Matrix<Double> = try NumPyArray(contentsOf: dictionaryPath).matrix(path: dictionaryPath, role: "the dictionary D (K × m)")
    guard dictionary.rows >= 1 else { throw FormatError(path: dictionaryPath, "the dictionary D (K × m) has no atoms (shape (0, \(dictionary.columns)))") }
    guard dictionary.columns == columns else {
      throw FormatError(path: dictionaryPath,
                        "the dictionary D (K × m) has shape (\(dictionary.rows), \(dictionary.columns)) but the data X in \(data) has m = \(columns) columns")
    }
    for atom in 0..<dictionary.rows {
      let norm = dictionary.row(atom).reduce(0) { $0 + $1 * $1 }.squareRoot()
      guard abs(norm - 1) <= normTolerance else {
        throw FormatError(path: dictionaryPath, "atom \(atom) (row \(atom)) has norm \(norm); atoms must have unit norm within \(normTolerance)")
      }
    }
    var bias: [Double]?
    if let biasPath {
      let vector = try NumPyArray(contentsOf: biasPath).vector(path: biasPath, role: "the bias b (m)")
      guard vector.count == columns else {
        throw FormatError(path: biasPath, "the bias b (m) has length \(vector.count) but the data X in \(data) has m = \(columns) columns")
      }
      bias = vector
    }
    return (dictionary, bias)
  }
}
