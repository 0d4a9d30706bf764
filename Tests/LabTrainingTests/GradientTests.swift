import Foundation
import LabNumerics
import LabTraining
import PropertyBased
import Testing

/// The hand-written gradients of every architecture against central finite differences.
///
/// The check runs in `Double` with step h = 1e−6. The loss is a polynomial of degree 4 in the
/// parameters on each region where the activation pattern is fixed (for tanh ∘ ReLU a smooth
/// function with bounded derivatives there), so the central difference has
/// truncation error O(h²·|L'''|) ≈ 1e−12·O(1) plus rounding error ≈ ε_double·|L|/h ≈ 1e−10·|L|;
/// the tolerance 1e−6·(1 + |L| + |∂L|) is four orders above both and many below a wrong term.
/// Coordinates whose ±h perturbation changes the activation pattern (a kink: a ReLU or TopK
/// boundary) are skipped, since the loss is not differentiable there; at most a quarter may be.
@Suite struct GradientTests {
  static let step = 1e-6

  /// The positions of the positive training codes of `parameters` on `x`.
  static func pattern(_ architecture: any SAEArchitecture, _ parameters: SAEParameters<Double>, _ x: Matrix<Double>, _ noise: [Double]?)
    -> [Bool]
  {
    TestSupport.lossAndGradient(architecture, parameters, x, noise: noise).codes.map { $0 > 0 }
  }

  static func checkFiniteDifferences(_ architecture: any SAEArchitecture, m: Int, f: Int, b: Int, seed: UInt64, noisy: Bool = false) {
    let parameters = TestSupport.randomParameters(m: m, f: f, seed: seed)
    let x = TestSupport.randomMatrix(rows: b, columns: m, seed: seed &+ 1)
    let noise = noisy ? TestSupport.randomMatrix(rows: b, columns: f, seed: seed &+ 2).storage : nil
    let (loss, gradient, _, _) = TestSupport.lossAndGradient(architecture, parameters, x, noise: noise)
    let basePattern = pattern(architecture, parameters, x, noise)
    var skipped = 0
    for index in parameters.values.indices {
      var plus = parameters, minus = parameters
      plus.values[index] += Self.step
      minus.values[index] -= Self.step
      guard pattern(architecture, plus, x, noise) == basePattern, pattern(architecture, minus, x, noise) == basePattern else {
        skipped += 1
        continue
      }
      let lPlus = TestSupport.lossAndGradient(architecture, plus, x, noise: noise).loss.total
      let lMinus = TestSupport.lossAndGradient(architecture, minus, x, noise: noise).loss.total
      let numeric = (lPlus - lMinus) / (2 * Self.step)
      let tolerance = 1e-6 * (1 + abs(loss.total) + abs(gradient[index]))
      #expect(abs(numeric - gradient[index]) <= tolerance,
              "\(architecture.kind) m=\(m) F=\(f) B=\(b) seed \(seed): parameter \(index) analytic \(gradient[index]), numeric \(numeric)")
    }
    #expect(skipped * 4 <= parameters.values.count, "\(skipped) of \(parameters.values.count) coordinates sat on a kink")
  }

  @Test("relu-l1: the gradient matches central finite differences") func reluL1() async {
    await propertyCheck(count: 25, input: Gen.int(in: 1...5), Gen.int(in: 1...6), Gen.int(in: 1...5), Gen.uint64()) { m, f, b, seed in
      let l1 = Double(seed % 1000) / 500  // 0 … 2, including the unpenalised case
      Self.checkFiniteDifferences(ReLUL1Architecture(l1Coefficient: l1), m: m, f: f, b: b, seed: seed)
    }
  }

  @Test("topk: the gradient matches central finite differences") func topK() async {
    await propertyCheck(count: 25, input: Gen.int(in: 1...5), Gen.int(in: 1...6), Gen.int(in: 1...5), Gen.uint64()) { m, f, b, seed in
      Self.checkFiniteDifferences(TopKArchitecture(k: 1 + Int(seed % UInt64(f))), m: m, f: f, b: b, seed: seed)
    }
  }

  @Test("relu-l1-unit (plain L1): the gradient matches central finite differences") func unitNormL1() async {
    await propertyCheck(count: 25, input: Gen.int(in: 1...5), Gen.int(in: 1...6), Gen.int(in: 1...5), Gen.uint64()) { m, f, b, seed in
      Self.checkFiniteDifferences(UnitNormReLUL1Architecture(l1Coefficient: Double(seed % 1000) / 500), m: m, f: f, b: b, seed: seed)
    }
  }

  @Test("batchtopk: the gradient matches central finite differences") func batchTopK() async {
    await propertyCheck(count: 25, input: Gen.int(in: 1...5), Gen.int(in: 1...6), Gen.int(in: 1...5), Gen.uint64()) { m, f, b, seed in
      Self.checkFiniteDifferences(BatchTopKArchitecture(k: 1 + Int(seed % UInt64(f))), m: m, f: f, b: b, seed: seed)
    }
  }

  @Test("nsae (tanh ∘ ReLU with noise, no b_dec subtraction): the gradient matches central finite differences") func nsae() async {
    await propertyCheck(count: 25, input: Gen.int(in: 1...5), Gen.int(in: 1...6), Gen.int(in: 1...5), Gen.uint64()) { m, f, b, seed in
      let architecture = NormalizedSAEArchitecture(alpha: Double(seed % 1000) / 500, noiseSigma: 1, meanInputNorm: 1.5)
      Self.checkFiniteDifferences(architecture, m: m, f: f, b: b, seed: seed, noisy: seed % 2 == 0)
    }
  }

  /// The kernel's loss against the definition, evaluated sample by sample.
  @Test("the batch loss equals the per-sample definition") func lossDefinition() async {
    await propertyCheck(count: 30, input: Gen.int(in: 1...5), Gen.int(in: 1...6), Gen.int(in: 1...5), Gen.uint64()) { m, f, b, seed in
      let l1 = 0.5 + Double(seed % 100) / 100
      let architectures: [any SAEArchitecture] = [ReLUL1Architecture(l1Coefficient: l1), TopKArchitecture(k: 1 + Int(seed % UInt64(f)))]
      for architecture in architectures {
        let p = TestSupport.randomParameters(m: m, f: f, seed: seed)
        let x = TestSupport.randomMatrix(rows: b, columns: m, seed: seed &+ 7)
        let (wEnc, bEnc, wDec, bDec) = (p.encoderWeights, p.encoderBias, p.decoderWeights, p.decoderBias)
        let norms = (0..<f).map { i in wDec.row(i).reduce(0) { $0 + $1 * $1 }.squareRoot() }
        var mse = 0.0, penalty = 0.0
        for r in 0..<b {
          var h = (0..<f).map { i in bEnc[i] + (0..<m).reduce(0.0) { $0 + (x[r, $1] - bDec[$1]) * wEnc[$1, i] } }
          if case .topK(let k) = architecture.activation {
            let kept = Set(h.indices.sorted { h[$0] != h[$1] ? h[$0] > h[$1] : $0 < $1 }.prefix(k))
            h = h.indices.map { kept.contains($0) ? h[$0] : 0 }
          }
          let z = h.map { max(0, $0) }
          for j in 0..<m {
            let e = bDec[j] + (0..<f).reduce(0.0) { $0 + z[$1] * wDec[$1, j] } - x[r, j]
            mse += e * e
          }
          penalty += (0..<f).reduce(0.0) { $0 + z[$1] * norms[$1] }
        }
        mse /= Double(b)
        penalty = architecture.penalty == .none ? 0 : l1 * penalty / Double(b)
        let loss = TestSupport.lossAndGradient(architecture, p, x).loss
        #expect(abs(loss.meanSquaredError - mse) <= 1e-10 * (1 + mse), "\(architecture.kind): mse \(loss.meanSquaredError) vs \(mse)")
        #expect(abs(loss.penalty - penalty) <= 1e-10 * (1 + penalty), "\(architecture.kind): penalty \(loss.penalty) vs \(penalty)")
      }
    }
  }

  /// The new architectures' batch losses against their definitions, evaluated entry by entry:
  /// plain L1 for relu-l1-unit; the k·B largest pre-activations of the whole batch for batchtopk;
  /// tanh(ReLU(x W_enc + b_enc + ε)) without b_dec subtraction and β = α·mean‖x‖² for nsae.
  @Test("relu-l1-unit, batchtopk and nsae batch losses equal their definitions") func newLossDefinitions() async {
    await propertyCheck(count: 30, input: Gen.int(in: 1...5), Gen.int(in: 1...6), Gen.int(in: 1...5), Gen.uint64()) { m, f, b, seed in
      let architectures: [any SAEArchitecture] = [
        UnitNormReLUL1Architecture(l1Coefficient: 0.5 + Double(seed % 100) / 100), BatchTopKArchitecture(k: 1 + Int(seed % UInt64(f))),
        NormalizedSAEArchitecture(alpha: 0.3, noiseSigma: 1, meanInputNorm: 1 + Double(seed % 7)),
      ]
      for architecture in architectures {
        let p = TestSupport.randomParameters(m: m, f: f, seed: seed)
        let x = TestSupport.randomMatrix(rows: b, columns: m, seed: seed &+ 7)
        let noise = architecture.trainingNoise > 0 ? TestSupport.randomMatrix(rows: b, columns: f, seed: seed &+ 8).storage : nil
        let (wEnc, bEnc, wDec, bDec) = (p.encoderWeights, p.encoderBias, p.decoderWeights, p.decoderBias)
        let shift = architecture.subtractsDecoderBias ? 1.0 : 0.0
        var u = [Double]()
        for r in 0..<b {
          for i in 0..<f {
            u.append(bEnc[i] + (0..<m).reduce(0.0) { $0 + (x[r, $1] - shift * bDec[$1]) * wEnc[$1, i] } + (noise?[r * f + i] ?? 0))
          }
        }
        var z: [Double]
        switch architecture.activation {
        case .batchTopK(let k):
          let kept = Set(u.indices.sorted { u[$0] != u[$1] ? u[$0] > u[$1] : $0 < $1 }.prefix(k * b))
          z = u.indices.map { kept.contains($0) ? max(0, u[$0]) : 0 }
        case .tanhReLU: z = u.map { tanh(max(0, $0)) }
        default: z = u.map { max(0, $0) }
        }
        var mse = 0.0
        for r in 0..<b {
          for j in 0..<m {
            let e = bDec[j] + (0..<f).reduce(0.0) { $0 + z[r * f + $1] * wDec[$1, j] } - x[r, j]
            mse += e * e
          }
        }
        mse /= Double(b)
        let penalty = architecture.penalty.coefficient * z.reduce(0, +) / Double(b)
        let loss = TestSupport.lossAndGradient(architecture, p, x, noise: noise).loss
        #expect(abs(loss.meanSquaredError - mse) <= 1e-10 * (1 + mse), "\(architecture.kind): mse \(loss.meanSquaredError) vs \(mse)")
        #expect(abs(loss.penalty - penalty) <= 1e-10 * (1 + penalty), "\(architecture.kind): penalty \(loss.penalty) vs \(penalty)")
      }
    }
  }
}
