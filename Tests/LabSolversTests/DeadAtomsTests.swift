import LabNumerics
import LabRandom
import LabSolvers
import PropertyBased
import Testing
import LabTestSupport

@Suite("Dead atoms and the new-atom test")
struct DeadAtomsTests {
  @Test("Re-seeding a dead atom lowers the loss exactly when some residual is longer than λ")
  func reseedingLowersTheLoss() async {
    await propertyCheck(count: 30, input: Gen.int(in: 2...4), Gen.int(in: 2...5), Gen.double(in: 0.05...1.5), Gen.int(in: 0...Int(Int32.max))) { atoms, dimension, lambda, seed in
      var rng = Xoshiro256StarStar(seed: UInt64(seed))
      var x = LearningWorlds.samples(points: 40, atoms: atoms, dimension: dimension, &rng)
      for index in x.storage.indices { x.storage[index] = abs(x.storage[index]) }  // data in the positive orthant
      // The last atom points away from every sample, so it is usually unused; with nonnegative codes it
      // can still cancel the excess of the other atoms (CI drew such a case), so the claims below are
      // tested on whichever atoms the exact codes leave unused.
      var d = RandomMatrices.unitDictionary(atoms: atoms, dimension: dimension, &rng)
      d.setRow(atoms - 1, to: [Double](repeating: -1 / Double(dimension).squareRoot(), count: dimension))
      let codes = NonnegativeLasso(dictionary: d, lambda: lambda).codes(for: x, bias: nil)
      let before = SparseCodingProblem(samples: x, dictionary: d, bias: nil, codes: codes, lambda: lambda)
      let residual = before.residual
      let longest = (0..<residual.rows).map { residual.row($0).reduce(0) { $0 + $1 * $1 }.squareRoot() }.max() ?? 0
      let unused = DeadAtoms.unused(codes: codes)
      #expect(unused == (0..<atoms).filter { k in codes.column(k).allSatisfy { $0 == 0 } })
      guard !unused.isEmpty else { return }
      var reseededDictionary = d
      let moved = DeadAtoms.reseed(unused, dictionary: &reseededDictionary, residual: residual, lambda: lambda)
      if longest > lambda {
        #expect(!moved.isEmpty)
        let after = NonnegativeLasso(dictionary: reseededDictionary, lambda: lambda).codes(for: x, bias: nil)
        let loss = SparseCodingProblem(samples: x, dictionary: reseededDictionary, bias: nil, codes: after, lambda: lambda).loss
        #expect(loss < before.loss, "loss \(loss) after re-seeding, \(before.loss) before (max ‖r‖ \(longest), λ \(lambda))")
        #expect(LearningWorlds.normError(reseededDictionary) <= 1e-12)
      } else {
        #expect(moved.isEmpty)
        #expect(reseededDictionary == d)
      }
    }
  }

  @Test("An unused atom that some residual would make fire is not dead")
  func firingAtomIsNotDead() {
    let residual = Matrix<Double>([[2, 0], [0, 0.1]])
    var d = Matrix<Double>([[1, 0]])
    #expect(DeadAtoms.reseed([0], dictionary: &d, residual: residual, lambda: 0.5).isEmpty)
    var far = Matrix<Double>([[-1, 0]])
    #expect(DeadAtoms.reseed([0], dictionary: &far, residual: residual, lambda: 0.5) == [0])
    #expect(far == Matrix([[1, 0]]))
  }
}
