import Foundation
import LabFormats
import LabGenerators
import LabNumerics

/// Writes a world toy's samples and ground truth into a directory: `X.npy` (N×m), `codes.npy`
/// (N×F), `dictionary.npy` (F×m), `bias.npy` (m, only when the bias is non-zero) in C order and
/// the chosen precision, and `world.json` describing the toy, seed, shapes and structure.
///
/// Samples are streamed in batches (``WorldGenerator``), so memory stays flat whatever N is.
/// Every file is a pure function of the toy, N, the seed and the precision: the same inputs give
/// the same bytes. The files are written into a staging directory and commit together
/// (``AtomicWriter/write(into:_:)``): a reader sees the previous data and ground truth or the new ones.
public enum WorldExport {
  /// The names ``write(_:precision:codes:into:)`` can write (`bias.npy` only for a non-zero bias).
  public static let fileNames = streamedFiles + ["dictionary.npy", "bias.npy", "world.json"]
  /// The streamed samples and the codes (in either format) of ``stream(_:count:precision:codes:into:)``.
  public static let streamedFiles = [samplesFile] + CodesFormat.allCases.map(codesFile)
  /// The streamed samples.
  public static let samplesFile = "X.npy"

  /// The file of the true codes in `format`.
  public static func codesFile(_ format: CodesFormat) -> String { "codes." + format.fileExtension }

  /// The description written to `world.json`.
  public struct Description: Codable, Equatable, Sendable {
    /// The resolved toy (with the seed and N actually used).
    public var toy: WorldToy
    /// Root seed.
    public var seed: UInt64
    /// Number of samples N.
    public var sampleCount: Int
    /// Stored precision.
    public var precision: NumPyArray.ElementType
    /// Rows per generation batch (part of the reproducibility contract).
    public var batchSize: Int
    /// The random streams, when not the default single pair (part of the reproducibility contract).
    public var randomStreams: RandomStreams?
    /// File name → shape.
    public var files: [String: [Int]]
    /// Names, forest, exclusive groups and firing probabilities.
    public var structure: WorldStructure
  }

  /// Writes `toy` (its seed and sample count already overridden as wanted) into `directory`, with
  /// the true codes in `codes`' format (none when nil), drawn from `generator` when given (the
  /// toy's world prepared under its seed, not yet drawn from) or else from one prepared here. Every file commits together
  /// (``AtomicWriter/write(into:_:)``): a run killed at any moment leaves the previous data with its
  /// ground truth, or the new ones.
  @discardableResult
  public static func write(_ toy: WorldToy, generator prepared: WorldGenerator? = nil, precision: NumPyArray.ElementType,
                           codes: CodesFormat? = .dense, into directory: String) throws -> Description {
    var generator = try prepared ?? WorldGenerator(world: toy.world.world, seed: toy.seed)
    var description: Description?
    try AtomicWriter.write(into: directory) { staging in
      var files = try stream(&generator, count: toy.sampleCount, precision: precision, codes: codes, into: &staging)
      let f = generator.dictionary.rows, m = generator.dictionary.columns
      files["dictionary.npy"] = [f, m]
      try staging.add("dictionary.npy", NumPyArray(generator.dictionary, as: precision).encoded)
      if generator.bias.contains(where: { $0 != 0 }) {
        files["bias.npy"] = [m]
        try staging.add("bias.npy", NumPyArray(vector: generator.bias, as: precision).encoded)
      }
      let written = Description(toy: toy, seed: toy.seed, sampleCount: toy.sampleCount, precision: precision,
                                batchSize: generator.batchSize, randomStreams: generator.streams == .single ? nil : generator.streams, files: files,
                                structure: generator.sampler.structure)
      try staging.add("world.json", try canonicalJSON(written))
      description = written
    }
    return description!
  }

  /// Streams `count` samples of `generator` into `X.npy` of `staging`, and the true codes into
  /// `codes.npy` (dense, streamed), `codes.npz` (SciPy CSR, added once complete) or nowhere
  /// (`codes` nil); returns the shapes by file name.
  public static func stream(_ generator: inout WorldGenerator, count n: Int, precision: NumPyArray.ElementType,
                            codes format: CodesFormat? = .dense, into staging: inout AtomicWriter.Staging) throws -> [String: [Int]] {
    let f = generator.dictionary.rows, m = generator.dictionary.columns
    let codesName = format.map(codesFile)
    let samples = try NumPyStreamWriter(path: try staging.path(for: samplesFile), shape: [n, m], elementType: precision)
    let dense = format == .dense ? try NumPyStreamWriter(path: try staging.path(for: codesFile(.dense)), shape: [n, f], elementType: precision) : nil
    var sparse = format == .sparse ? CompressedSparseRows(columns: f) : nil
    do {
      var done = 0
      while done < n {
        let rows = min(generator.rowsPerDraw, n - done)
        let batch = generator.next(rows)
        try samples.append(batch.samples.storage)
        try dense?.append(batch.codes.storage)
        // Rounded as the dense file would store them, so that codes.npz and codes.npy hold the same values.
        sparse?.append(rowsOf: precision == .float32
          ? Matrix(rows: rows, columns: f, storage: batch.codes.storage.map { Double(Float($0)) }) : batch.codes)
        done += rows
      }
      try samples.finish()
      try dense?.finish()
      if let sparse, let codesName { try staging.add(codesName, try sparse.npz(path: codesName)) }
    } catch {
      samples.discard()
      dense?.discard()
      throw error
    }
    var files = [samplesFile: [n, m]]
    if let codesName { files[codesName] = [n, f] }
    return files
  }

  /// Pretty-printed JSON with sorted keys and a final newline.
  static func canonicalJSON<T: Encodable>(_ value: T) throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return try encoder.encode(value) + Data("\n".utf8)
  }
}
