@testable import LabChecks
import LabNumerics
import LabRandom
import PropertyBased
import Testing

/// The streaming checks' batch kernels sum atom by atom (``AtomUsers``); they must give the bits of
/// the plain row-by-row loops, which are written out here as the reference.
@Suite("Batch residuals against the row-by-row loops")
struct BatchResidualsTests {
  /// Sparse nonnegative codes (N × K, about `density` nonzero), centred data (N × m) and unit atoms (K × m).
  static func batch(rows n: Int, atoms k: Int, dimension m: Int, density: Double, seed: UInt64) -> (z: Matrix<Double>, x: Matrix<Double>, d: Matrix<Double>) {
    var rng = Xoshiro256StarStar(seed: seed)
    var z = Matrix<Double>(rows: n, columns: k)
    for index in z.storage.indices where rng.nextBernoulli(density) { z.storage[index] = abs(rng.nextNormal()) }
    let x = Matrix(rows: n, columns: m, storage: (0..<(n * m)).map { _ in rng.nextNormal() })
    let d = Matrix(rows: k, columns: m, storage: (0..<(k * m)).map { _ in rng.nextNormal() })
    return (z, x, d)
  }

  /// Row n's residual x_n − Σ_k z_nk d_k with the fit summed from zero in increasing atom order, its
  /// ‖fit‖, ‖r‖² and ‖x‖², one row after the other.
  static func reference(codes z: Matrix<Double>, centred x: Matrix<Double>, dictionary d: Matrix<Double>)
    -> (residuals: [Double], fitNorms: [Double], squared: [Double], centred: [Double]) {
    let (k, m) = (z.columns, d.columns)
    var r = x.storage, fitNorms: [Double] = [], squared: [Double] = [], centred: [Double] = []
    for row in 0..<z.rows {
      var fit = [Double](repeating: 0, count: m)
      for atom in 0..<k where z[row, atom] != 0 { for i in 0..<m { fit[i] += z[row, atom] * d[atom, i] } }
      var fitted = 0.0, sum = 0.0, norm = 0.0
      for i in 0..<m {
        r[row * m + i] -= fit[i]
        fitted += fit[i] * fit[i]
      }
      for i in 0..<m {
        sum += r[row * m + i] * r[row * m + i]
        norm += x[row, i] * x[row, i]
      }
      fitNorms.append(fitted.squareRoot())
      squared.append(sum)
      centred.append(norm)
    }
    return (r, fitNorms, squared, centred)
  }

  @Test("Residuals, norms and Σ_n z_nk r_n are the row-by-row loops' bits on any worker count")
  func matchesRowByRow() async {
    await propertyCheck(count: 60, input: Gen.int(in: 1...40), Gen.int(in: 1...30), Gen.int(in: 1...9), Gen.int(in: 1...4), Gen.uint64()) { n, k, m, workers, seed in
      let density = [0.0, 0.05, 0.3, 1.0][Int(seed % 4)]
      let (z, x, d) = Self.batch(rows: n, atoms: k, dimension: m, density: density, seed: seed)
      let expected = Self.reference(codes: z, centred: x, dictionary: d)
      let batch = BatchResiduals(codes: z, centred: x, dictionary: d, workers: workers)
      #expect(batch.residuals.storage == expected.residuals && batch.fitNorms == expected.fitNorms)
      #expect(batch.squaredNorms == expected.squared && batch.centredSquaredNorms == expected.centred)
      #expect(batch.support == (0..<n).map { row in (0..<k).filter { z[row, $0] != 0 } })
      // Σ_n z_nk r_n, each atom's terms added in row order onto what `weighted` held.
      let start = (0..<(k * m)).map { Double($0 % 7) - 3 }
      var weighted = start, reference = start
      batch.addWeightedResiduals(codes: z, to: &weighted, workers: workers)
      for row in 0..<n {
        for atom in 0..<k where z[row, atom] != 0 {
          for i in 0..<m { reference[atom * m + i] += z[row, atom] * expected.residuals[row * m + i] }
        }
      }
      #expect(weighted == reference)
    }
  }
}
