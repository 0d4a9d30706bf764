import LabChecks
import LabFormats
import LabNumerics
import LabSolvers

/// The validated inputs of `lab check`: data, dictionary, optional bias and codes, λ, and whether
/// the codes are signed (problem P^±_λ, `--signed`).
///
/// Every problem is reported as a ``FormatError`` naming the file and what is wrong with it; nothing
/// is computed before all inputs have been read and checked.
public struct CheckInputs: Sendable {
  /// The data X, `N × m`.
  public var samples: Matrix<Double>
  /// The dictionary D, `K × m`, unit-norm rows.
  public var dictionary: Matrix<Double>
  /// The bias b (a free bias), or `nil`.
  public var bias: [Double]?
  /// The codes from `--codes`, or `nil` (exact lasso codes are then computed).
  public var givenCodes: Matrix<Double>?
  /// λ.
  public var lambda: Double
  /// `float32` if any input file was stored in single precision, else `float64`.
  public var precision: NumPyArray.ElementType
  /// Whether the dictionary rows were rescaled to unit norm (`--normalize`).
  public var normalized: Bool
  /// Nonnegative codes (P⁺_λ) or signed codes (P^±_λ, `--signed`).
  public var constraint: CodeConstraint = .nonnegative

  /// Largest deviation of an atom's norm from 1 accepted without `--normalize`.
  public static let unitNormTolerance = 1e-6
  /// The largest magnitude accepted in the data, the bias and the codes. The checks' linear
  /// programs take these values, and products and sums of them, as coefficients, and GLPK is only
  /// given coefficients within [1e-30, 1e30] (``LinearProgram/largestMagnitude``); 1e12 keeps
  /// squares and sums of up to 10⁶ squares inside that window. Rescale larger data (the problem
  /// scales with λ: X → sX, λ → sλ).
  public static let largestEntry = 1e12

  /// Reads and validates the inputs. With `normalize`, atoms are rescaled to unit norm and given
  /// codes are scaled by the old norms so that the reconstruction is unchanged (THEORY §9). With
  /// `signed`, given codes may be negative and computed codes are signed; signed checks do not stream,
  /// so a candidate above ``StationarityAssessment/maximumDenseCodes`` without codes is rejected.
  public static func load(data: String, dictionary: String, bias: String?, codes: String?, lambda: Double,
                          normalize: Bool, signed: Bool = false) throws -> CheckInputs {
    guard lambda.isFinite && lambda > 0 else {
      throw FormatError(path: "--lambda", "λ must be a finite number > 0, got \(lambda)")
    }
    let xArray = try NumPyArray(contentsOf: data)
    let x: Matrix<Double> = try xArray.matrix(path: data, role: "the data X (N × m)")
    try checkMagnitudes(x.storage, columns: x.columns, path: data)
    let dArray = try NumPyArray(contentsOf: dictionary)
    var d: Matrix<Double> = try dArray.matrix(path: dictionary, role: "the dictionary D (K × m)")
    var precisions = [xArray.elementType, dArray.elementType]
    guard x.rows > 0, d.rows > 0 else {
      throw FormatError(path: x.rows == 0 ? data : dictionary, "must have at least one row, got shape (\(x.rows), \(x.columns))")
    }
    guard d.columns == x.columns else {
      throw FormatError(path: dictionary, "atoms have \(d.columns) entries but the data in \(data) have m = \(x.columns)")
    }
    var b: [Double]?
    if let bias {
      let array = try NumPyArray(contentsOf: bias)
      precisions.append(array.elementType)
      let vector = try array.vector(path: bias, role: "the bias b (length m)")
      guard vector.count == x.columns else {
        throw FormatError(path: bias, "has length \(vector.count) but the data in \(data) have m = \(x.columns)")
      }
      try checkMagnitudes(vector, columns: nil, path: bias)
      b = vector
    }
    var z: Matrix<Double>?
    if let codes {
      let array = try NumPyArray(contentsOf: codes)
      precisions.append(array.elementType)
      let matrix: Matrix<Double> = try array.matrix(path: codes, role: "the codes Z (N × K)")
      guard matrix.rows == x.rows, matrix.columns == d.rows else {
        throw FormatError(path: codes, "has shape (\(matrix.rows), \(matrix.columns)) but N = \(x.rows) (\(data)) and K = \(d.rows) (\(dictionary))")
      }
      if !signed, let (index, value) = matrix.storage.enumerated().first(where: { $0.element < 0 }) {
        throw FormatError(path: codes, "element at row \(index / matrix.columns), column \(index % matrix.columns) is \(value); nonnegative codes are required (pass --signed for signed codes)")
      }
      z = matrix
    }
    for atom in 0..<d.rows {
      let norm = d.row(atom).reduce(0) { $0 + $1 * $1 }.squareRoot()
      if normalize {
        guard norm > 0 else { throw FormatError(path: dictionary, "row \(atom) is zero and cannot be normalised") }
        d.setRow(atom, to: d.row(atom).map { $0 / norm })
        if var scaled = z {
          for n in 0..<scaled.rows { scaled[n, atom] *= norm }
          z = scaled
        }
      } else if abs(norm - 1) > unitNormTolerance {
        throw FormatError(path: dictionary, "row \(atom) has norm \(norm); atoms must have unit norm within \(unitNormTolerance) (pass --normalize to rescale them)")
      }
    }
    if let z { try checkMagnitudes(z.storage, columns: z.columns, path: codes!, after: normalize ? "rescaling by the atom norms" : nil) }
    if signed, z == nil, x.rows * d.rows > StationarityAssessment.maximumDenseCodes {
      throw FormatError(path: data, "N·K = \(x.rows * d.rows) is above \(StationarityAssessment.maximumDenseCodes); the signed checks hold every code in memory and do not stream")
    }
    return CheckInputs(samples: x, dictionary: d, bias: b, givenCodes: z, lambda: lambda,
                       precision: precisions.contains(.float32) ? .float32 : .float64, normalized: normalize,
                       constraint: signed ? .signed : .nonnegative)
  }

  /// Throws a ``FormatError`` naming the place of the first value whose magnitude is above
  /// ``largestEntry``: row and column of a row-major matrix with `columns` columns, or the element of
  /// a vector (`columns` nil); `after` says what produced the values, if not the file alone.
  static func checkMagnitudes(_ values: [Double], columns: Int?, path: String, after: String? = nil) throws {
    guard let index = values.firstIndex(where: { abs($0) > largestEntry }) else { return }
    let place = columns.map { "row \(index / $0), column \(index % $0)" } ?? "element \(index)"
    throw FormatError(path: path, "\(place) is \(values[index])\(after.map { " after \($0)" } ?? ""); magnitudes above 1e12 are refused because the checks' linear programs cannot take them (rescale the data and λ together)")
  }

  /// Whether the codes came from `--codes`.
  public var codesGiven: Bool { givenCodes != nil }

  /// Whether the candidate is too large to hold every code and run every LP (N·K above
  /// ``StationarityAssessment/maximumDenseCodes``, codes not given): the checks then stream.
  public var streams: Bool { givenCodes == nil && samples.rows * dictionary.rows > StationarityAssessment.maximumDenseCodes }

  /// The candidate with its codes: the given ones, or exact active-set lasso codes (signed for P^±_λ).
  public func problem() -> SparseCodingProblem {
    let codes = givenCodes ?? (constraint == .signed
      ? ExactCodes.codes(for: samples, dictionary: dictionary, bias: bias, lambda: lambda, constraint: .signed)
      : NonnegativeLasso(dictionary: dictionary, lambda: lambda).codes(for: samples, bias: bias))
    return SparseCodingProblem(samples: samples, dictionary: dictionary, bias: bias, codes: codes, lambda: lambda, constraint: constraint)
  }
}
