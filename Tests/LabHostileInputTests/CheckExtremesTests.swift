import Foundation
import LabExperiments
import LabFormats
import LabRandom
import PropertyBased
import Testing

/// `lab check`'s path from files to GLPK on finite but extreme data: tiny, huge and subnormal
/// magnitudes, given codes, free biases. GLPK calls `abort()` on what its validation rejects, and
/// an abort here would end the test process; every case must end in a record or a thrown error.
@Suite("Hostile input: no GLPK abort from lab check")
struct CheckExtremesTests {
  static let extremeScales: [Double] = [0, 5e-324, 1e-300, 1e-160, 1e-40, 1e-8, 1, 1e8, 1e40, 1e160, 1e300]
  /// Scales within the validator's limits, so that about half the cases reach GLPK itself.
  static let moderateScales: [Double] = [1e-6, 1e-3, 1, 1e3, 1e6]

  @Test("Extreme-magnitude X, D, b, Z and λ end in a check record or an error, never an abort")
  func extremes() async throws {
    let directory = try Scratch.directory()
    func write(_ name: String, _ values: [Double], _ shape: [Int]) throws -> String {
      let path = directory.appendingPathComponent(name).path
      try NumPyArray(shape: shape, elementType: .float64, values: values).encoded.write(to: URL(fileURLWithPath: path))
      return path
    }
    var records = 0
    await propertyCheck(count: 400, input: Gen.uint64()) { seed in
      var rng = Xoshiro256StarStar(seed: seed)
      let scales = rng.nextBernoulli(0.5) ? Self.extremeScales : Self.moderateScales
      func extreme() -> Double {
        let value = scales[rng.nextInt(below: scales.count)] * (0.5 + rng.nextUniform())
        return rng.nextBernoulli(0.5) ? -value : value
      }
      let n = 1 + rng.nextInt(below: 8), m = 1 + rng.nextInt(below: 3), k = 1 + rng.nextInt(below: 3)
      let x = try write("X.npy", (0..<(n * m)).map { _ in extreme() }, [n, m])
      let d = try write("D.npy", (0..<(k * m)).map { _ in extreme() }, [k, m])
      let b = rng.nextBernoulli(0.5) ? try write("b.npy", (0..<m).map { _ in extreme() }, [m]) : nil
      let z = rng.nextBernoulli(0.5) ? try write("Z.npy", (0..<(n * k)).map { _ in abs(extreme()) }, [n, k]) : nil
      let lambda = abs(extreme())
      do {
        let inputs = try CheckInputs.load(data: x, dictionary: d, bias: b, codes: z, lambda: lambda, normalize: true)
        let paths = CheckRecord.Inputs(data: x, dictionary: d, bias: b, codes: z, precision: .float64, normalized: true)
        _ = try CheckRecord.run(inputs, paths: paths, activityThreshold: 0, versions: [:])
        records += 1
      } catch {
        #expect(!"\(error)".isEmpty)
      }
    }
    // Not vacuous: a good share of the cases went all the way through the LPs.
    #expect(records >= 40, "only \(records) of 400 cases reached a check record")
  }
}
