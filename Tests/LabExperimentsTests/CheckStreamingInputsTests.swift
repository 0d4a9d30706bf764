import Foundation
import LabChecks
@testable import LabExperiments
import LabFormats
import LabNumerics
import LabRandom
import LabSolvers
import LabTestSupport
import PropertyBased
import Testing

/// Issue 19 item 6: when `lab check` streams, X stays on its memory map and is read a block of rows
/// at a time; the checks give the bytes they give on X held whole.
@Suite("lab check streams X from its file")
struct CheckStreamingInputsTests {
  /// Writes a random small candidate (X in float32 or float64, unit-norm D, a bias for even seeds)
  /// to `directory` and returns the paths and λ.
  static func writeCandidate(in directory: URL, m: Int, k: Int, n: Int, seed: Int) throws -> (x: String, d: String, b: String?, lambda: Double) {
    var rng = Xoshiro256StarStar(seed: UInt64(seed))
    let d = BlockMinimization.normalizedRows(Matrix(rows: k, columns: m, storage: (0..<(k * m)).map { _ in rng.nextNormal() }))
    let x = (0..<(n * m)).map { _ in abs(rng.nextNormal()) }
    let bias: [Double]? = seed % 2 == 0 ? (0..<m).map { _ in 0.2 * rng.nextNormal() } : nil
    let precision: NumPyArray.ElementType = rng.nextBernoulli(0.5) ? .float32 : .float64
    func write(_ name: String, _ shape: [Int], _ type: NumPyArray.ElementType, _ values: [Double]) throws -> String {
      let url = directory.appendingPathComponent(name)
      try NumPyArray(shape: shape, elementType: type, values: values).encoded.write(to: url)
      return url.path
    }
    return (try write("X.npy", [n, m], precision, x), try write("D.npy", [k, m], .float64, d.storage),
            try bias.map { try write("b.npy", [m], .float64, $0) }, rng.nextUniform(in: 0.05...0.5))
  }

  @Test("Streaming from the memory map gives the record bytes of streaming over X held whole, and never holds X")
  func mappedMatchesWhole() async throws {
    await propertyCheck(count: 20, input: Gen.int(in: 2...5), Gen.int(in: 2...6), Gen.int(in: 20...80), Gen.int(in: 0...Int(Int32.max))) { m, k, n, seed in
      let directory = try Scratch.directory()
      let (x, d, b, lambda) = try Self.writeCandidate(in: directory, m: m, k: k, n: n, seed: seed)
      var sizes: [CheckInputs.Sizes] = []
      let mapped = try CheckInputs.load(data: x, dictionary: d, bias: b, codes: nil, lambda: lambda, normalize: false, streaming: true) { sizes.append($0) }
      var whole = try CheckInputs.load(data: x, dictionary: d, bias: b, codes: nil, lambda: lambda, normalize: false) { sizes.append($0) }
      #expect(mapped.samples is MappedSampleRows && whole.samples is Matrix<Double>)
      #expect(sizes.map(\.streams) == [true, false] && sizes.allSatisfy { $0.samples == n && $0.dimension == m && $0.atoms == k })
      whole.streamingRequested = true
      #expect(mapped.streams && whole.streams)
      let paths = CheckRecord.Inputs(data: x, dictionary: d, bias: b, codes: nil, precision: mapped.precision, normalized: false)
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
      let fromMap = try encoder.encode(CheckRecord.run(mapped, paths: paths, activityThreshold: 0, versions: [:]).record)
      let fromMemory = try encoder.encode(CheckRecord.run(whole, paths: paths, activityThreshold: 0, versions: [:]).record)
      #expect(fromMap == fromMemory)
    }
  }

  @Test("A bad value in a streamed X is refused before any check, named by its row in the whole file")
  func badValueNamed() throws {
    let directory = try Scratch.directory()
    let (n, m) = (30, 3)
    for (row, column, value, message) in [(17, 2, Double.nan, "is nan; every element must be finite"),
                                          (23, 1, -3e12, "is -3000000000000.0; magnitudes above 1e12 are refused")] {
      var values = (0..<(n * m)).map { Double($0 % 7) }
      values[row * m + column] = value
      let url = directory.appendingPathComponent("X.npy")
      try NumPyArray(shape: [n, m], elementType: .float64, values: values).encoded.write(to: url)
      let reader = try NumPyRowReader(path: url.path, role: "X")
      // Blocks of two rows: the bad row is found in a block that does not start at row 0.
      do {
        _ = try MappedSampleRows(checking: reader, blockElements: 2 * m)
        Issue.record("row \(row): \(value) was accepted")
      } catch {
        #expect(error.description.contains("row \(row), column \(column) \(message)"), "\(error)")
      }
    }
  }
}
