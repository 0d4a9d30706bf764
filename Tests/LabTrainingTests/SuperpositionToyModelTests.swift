import Foundation
import LabNumerics
import LabRandom
import LabTraining
import PropertyBased
import Testing

/// The superposition toy model: its hand-written gradient against central finite differences,
/// its loss against the definition, and its trainer.
///
/// On each region where the ReLU pattern [A > 0] is fixed the loss is a polynomial of degree 4 in
/// the parameters (W enters twice), so with step h = 1e−6 in `Double` the central difference has
/// truncation error O(h²) ≈ 1e−12 and rounding error ≈ 1e−10·|L|; the tolerance
/// 1e−6·(1 + |L| + |∂L|) is four orders above both. Coordinates whose ±h step changes the pattern
/// (a ReLU kink) are skipped; at most a quarter may be.
@Suite struct SuperpositionToyModelTests {
  static func randomModel(n: Int, m: Int, seed: UInt64) -> SuperpositionToyModel {
    var generator = SeedTree(root: seed).generator(for: "model")
    var model = SuperpositionToyModel(featureCount: n, hiddenDimension: m)
    model.values = model.values.map { _ in generator.nextNormal() }
    return model
  }

  /// Sparse inputs in [0, 1] (each entry nonzero with probability ½) and importances in (0.1, 1].
  static func randomBatch(rows: Int, n: Int, seed: UInt64) -> (x: Matrix<Double>, importance: [Double]) {
    var generator = SeedTree(root: seed).generator(for: "batch")
    let x = Matrix(rows: rows, columns: n, storage: (0..<(rows * n)).map { _ in generator.nextBernoulli(0.5) ? generator.nextUniform() : 0 })
    return (x, (0..<n).map { _ in 0.1 + 0.9 * generator.nextUniform() })
  }

  static func pattern(_ model: SuperpositionToyModel, _ x: Matrix<Double>) -> [Bool] {
    let h = model.hidden(x), w = model.weights, b = model.bias
    return (0..<x.rows).flatMap { t in
      (0..<model.featureCount).map { i in b[i] + (0..<model.hiddenDimension).reduce(0.0) { $0 + h[t, $1] * w[$1, i] } > 0 }
    }
  }

  @Test("the gradient matches central finite differences") func finiteDifferences() async {
    await propertyCheck(count: 40, input: Gen.int(in: 1...7), Gen.int(in: 1...4), Gen.int(in: 1...5), Gen.uint64()) { n, m, rows, seed in
      let model = Self.randomModel(n: n, m: m, seed: seed)
      let (x, importance) = Self.randomBatch(rows: rows, n: n, seed: seed &+ 1)
      let (loss, gradient) = model.lossAndGradient(x, importance: importance)
      let base = Self.pattern(model, x)
      let h = 1e-6
      var skipped = 0
      for index in model.values.indices {
        var plus = model, minus = model
        plus.values[index] += h
        minus.values[index] -= h
        guard Self.pattern(plus, x) == base, Self.pattern(minus, x) == base else { skipped += 1; continue }
        let numeric = (plus.lossAndGradient(x, importance: importance).loss - minus.lossAndGradient(x, importance: importance).loss) / (2 * h)
        #expect(abs(numeric - gradient[index]) <= 1e-6 * (1 + abs(loss) + abs(gradient[index])),
                "n=\(n) m=\(m) N=\(rows) seed \(seed): parameter \(index) analytic \(gradient[index]), numeric \(numeric)")
      }
      #expect(skipped * 4 <= model.values.count, "\(skipped) of \(model.values.count) coordinates sat on a kink")
    }
  }

  @Test("the loss and the outputs equal their definitions entry by entry") func lossDefinition() async {
    await propertyCheck(count: 30, input: Gen.int(in: 1...7), Gen.int(in: 1...4), Gen.int(in: 1...5), Gen.uint64()) { n, m, rows, seed in
      let model = Self.randomModel(n: n, m: m, seed: seed)
      let (x, importance) = Self.randomBatch(rows: rows, n: n, seed: seed &+ 1)
      let w = model.weights, b = model.bias, out = model.output(x)
      var expected = 0.0
      for t in 0..<rows {
        let hidden = (0..<m).map { j in (0..<n).reduce(0.0) { $0 + w[j, $1] * x[t, $1] } }
        for i in 0..<n {
          let xHat = max(0, b[i] + (0..<m).reduce(0.0) { $0 + w[$1, i] * hidden[$1] })
          #expect(abs(out[t, i] - xHat) <= 1e-12 * (1 + abs(xHat)))
          expected += importance[i] * (x[t, i] - xHat) * (x[t, i] - xHat)
        }
      }
      expected /= Double(rows)
      let loss = model.lossAndGradient(x, importance: importance).loss
      #expect(abs(loss - expected) <= 1e-12 * (1 + expected), "loss \(loss) vs \(expected)")
    }
  }

  @Test("training lowers the loss and is a function of the seed") func training() async {
    await propertyCheck(count: 5, input: Gen.int(in: 4...8), Gen.uint64()) { n, seed in
      let (x, importance) = Self.randomBatch(rows: 256, n: n, seed: seed)
      let configuration = ToyModelTrainingConfiguration(hiddenDimension: 2, importance: importance, batchSize: 32, steps: 300,
                                                         learningRate: 1e-2, seed: seed)
      let first = ToyModelTrainer.train(configuration, data: x), second = ToyModelTrainer.train(configuration, data: x)
      #expect(first.model == second.model && first.finalLoss == second.finalLoss)
      #expect(first.finalLoss < first.initialLoss, "loss \(first.initialLoss) → \(first.finalLoss)")
      let evaluated = SuperpositionToyModel.loss(x, first.model.output(x), importance: importance)
      #expect(evaluated == first.finalLoss)
    }
  }
}
