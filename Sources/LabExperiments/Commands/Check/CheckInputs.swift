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
  /// The data X, `N × m`: a matrix in memory, or, when the checks stream, rows read a block at a
  /// time from the file (``MappedSampleRows``).
  public var samples: any SampleRows
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
  /// Whether the checks stream even when the codes would fit in memory (`lab check --streaming`).
  public var streamingRequested = false

  /// Largest deviation of an atom's norm from 1 accepted without `--normalize`.
  public static let unitNormTolerance = 1e-6
  /// The largest magnitude accepted in the data, the bias and the codes. The checks' linear
  /// programs take these values, and products and sums of them, as coefficients, and GLPK is only
  /// given coefficients within [1e-30, 1e30] (``LinearProgram/largestMagnitude``); 1e12 keeps
  /// squares and sums of up to 10⁶ squares inside that window. Rescale larger data (the problem
  /// scales with λ: X → sX, λ → sλ).
  public static let largestEntry = 1e12

  /// The sizes of a check, known from the files' headers before X and the codes are read: what
  /// ``load(data:dictionary:bias:codes:lambda:normalize:signed:streaming:memoryCheck:)`` hands its
  /// memory check.
  public struct Sizes: Sendable {
    /// N, m and K.
    public var samples: Int, dimension: Int, atoms: Int
    /// Whether the checks will stream (X then read a block at a time, the codes kept sparse).
    public var streams: Bool
    /// Whether the codes are signed (the LPs then have a column or row more per inactive code).
    public var signed = false
    /// Whether `--streaming` could be asked for (codes computed, nonnegative): the way out for a big valid input.
    public var canStream = true
  }

  /// Reads and validates the inputs. With `normalize`, atoms are rescaled to unit norm and given
  /// codes are scaled by the old norms so that the reconstruction is unchanged (THEORY §9). With
  /// `signed`, given codes may be negative and computed codes are signed; signed checks do not stream,
  /// so a candidate above ``StationarityAssessment/maximumDenseCodes`` without codes is rejected.
  /// `streaming` asks for the streaming checks whatever N·K (nonnegative computed codes only). When
  /// the checks stream, X is not read whole but checked block by block and kept on its memory map.
  /// `memoryCheck` is called with the sizes once the headers, D and their shapes are checked, before
  /// X and the codes are read.
  public static func load(data: String, dictionary: String, bias: String?, codes: String?, lambda: Double,
                          normalize: Bool, signed: Bool = false, streaming: Bool = false,
                          memoryCheck: (Sizes) throws -> Void = { _ in }) throws -> CheckInputs {
    guard lambda.isFinite && lambda > 0 else {
      throw FormatError(path: "--lambda", "λ must be a finite number > 0, got \(lambda)")
    }
    let reader = try NumPyRowReader(path: data, role: "the data X (N × m)")
    let dArray = try NumPyArray(contentsOf: dictionary)
    var d: Matrix<Double> = try dArray.matrix(path: dictionary, role: "the dictionary D (K × m)")
    var precisions = [reader.elementType, dArray.elementType]
    guard reader.rows > 0, d.rows > 0 else {
      let (path, shape) = reader.rows == 0 ? (data, (reader.rows, reader.columns)) : (dictionary, (d.rows, d.columns))
      throw FormatError(path: path, "must have at least one row, got shape (\(shape.0), \(shape.1))")
    }
    guard d.columns == reader.columns else {
      throw FormatError(path: dictionary, "atoms have \(d.columns) entries but the data in \(data) have m = \(reader.columns)")
    }
    if signed, codes == nil, reader.rows * d.rows > StationarityAssessment.maximumDenseCodes {
      throw FormatError(path: data, "N·K = \(reader.rows * d.rows) is above \(StationarityAssessment.maximumDenseCodes); the signed checks hold every code in memory and do not stream")
    }
    var inputs = CheckInputs(samples: Matrix<Double>(rows: 0, columns: reader.columns), dictionary: d, bias: nil, givenCodes: nil, lambda: lambda,
                             precision: .float64, normalized: normalize, constraint: signed ? .signed : .nonnegative,
                             streamingRequested: streaming && codes == nil && !signed)
    let streams = codes == nil && !signed && (streaming || reader.rows * d.rows > StationarityAssessment.maximumDenseCodes)
    try memoryCheck(Sizes(samples: reader.rows, dimension: reader.columns, atoms: d.rows, streams: streams, signed: signed,
                          canStream: codes == nil && !signed))
    inputs.samples = try samples(reader, streams: streams)
    var b: [Double]?
    if let bias {
      let array = try NumPyArray(contentsOf: bias)
      precisions.append(array.elementType)
      let vector = try array.vector(path: bias, role: "the bias b (length m)")
      guard vector.count == reader.columns else {
        throw FormatError(path: bias, "has length \(vector.count) but the data in \(data) have m = \(reader.columns)")
      }
      try checkMagnitudes(vector, columns: nil, path: bias)
      b = vector
    }
    var z: Matrix<Double>?
    if let codes {
      let array = try NumPyArray(contentsOf: codes)
      precisions.append(array.elementType)
      let matrix: Matrix<Double> = try array.matrix(path: codes, role: "the codes Z (N × K)")
      guard matrix.rows == reader.rows, matrix.columns == d.rows else {
        throw FormatError(path: codes, "has shape (\(matrix.rows), \(matrix.columns)) but N = \(reader.rows) (\(data)) and K = \(d.rows) (\(dictionary))")
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
    inputs.dictionary = d
    inputs.bias = b
    inputs.givenCodes = z
    inputs.precision = precisions.contains(.float32) ? .float32 : .float64
    return inputs
  }

  /// X from its opened file: checked block by block and kept on the memory map when the checks
  /// stream, else read whole and checked.
  static func samples(_ reader: NumPyRowReader, streams: Bool) throws(FormatError) -> any SampleRows {
    if streams { return try MappedSampleRows(checking: reader) }
    let x = try reader.rows(0..<reader.rows)
    try checkMagnitudes(x.storage, columns: x.columns, path: reader.path)
    return x
  }

  /// Throws a ``FormatError`` naming the place of the first value whose magnitude is above
  /// ``largestEntry``: row and column of a row-major matrix with `columns` columns, or the element of
  /// a vector (`columns` nil); `after` says what produced the values, if not the file alone; rows are
  /// counted from `firstRow` (the values are a block of a larger matrix).
  static func checkMagnitudes(_ values: [Double], columns: Int?, path: String, after: String? = nil, firstRow: Int = 0) throws(FormatError) {
    guard let index = values.firstIndex(where: { abs($0) > largestEntry }) else { return }
    let place = columns.map { "row \(firstRow + index / $0), column \(index % $0)" } ?? "element \(index)"
    throw FormatError(path: path, "\(place) is \(values[index])\(after.map { " after \($0)" } ?? ""); magnitudes above 1e12 are refused because the checks' linear programs cannot take them (rescale the data and λ together)")
  }

  /// Whether the codes came from `--codes`.
  public var codesGiven: Bool { givenCodes != nil }

  /// Whether the checks stream: the candidate is too large to hold every code and run every LP
  /// (N·K above ``StationarityAssessment/maximumDenseCodes``, codes not given), or streaming was
  /// requested.
  public var streams: Bool {
    givenCodes == nil && (streamingRequested || samples.rows * dictionary.rows > StationarityAssessment.maximumDenseCodes)
  }

  /// The candidate with its codes: the given ones, or exact active-set lasso codes (signed for P^±_λ).
  /// X is held whole here: this is the in-memory path.
  public func problem() -> SparseCodingProblem {
    let samples = self.samples.block(0..<self.samples.rows)
    let codes = givenCodes ?? (constraint == .signed
      ? ExactCodes.codes(for: samples, dictionary: dictionary, bias: bias, lambda: lambda, constraint: .signed)
      : NonnegativeLasso(dictionary: dictionary, lambda: lambda).codes(for: samples, bias: bias))
    return SparseCodingProblem(samples: samples, dictionary: dictionary, bias: bias, codes: codes, lambda: lambda, constraint: constraint)
  }
}
