import Foundation
import LabFormats
import LabNumerics
import LabRandom
import LabTraining
import PropertyBased
import Testing

/// Matching pursuit: the encoder against sae-lens 6.54.12 on folders either side wrote
/// (`Fixtures/make_lab_matching_pursuit_fixture.py`), and the gradient through the pursuit against
/// central finite differences.
@Suite struct MatchingPursuitTests {
  static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/lab-matching-pursuit")

  static func load(_ path: URL) throws -> Matrix<Float> { try NumPyArray(contentsOf: path.path).matrix(path: path.path, role: path.lastPathComponent) }

  static func inputs() throws -> Matrix<Float> {
    let all = try load(folder.deletingLastPathComponent().appendingPathComponent("synthbench/x.npy"))
    return Matrix(rows: 300, columns: all.columns, storage: Array(all.storage[0..<(300 * all.columns)]))
  }

  static func expectClose(_ ours: Matrix<Float>, _ theirs: Matrix<Float>) {
    #expect(ours.rows == theirs.rows && ours.columns == theirs.columns)
    #expect(ours.storage.map { $0 != 0 } == theirs.storage.map { $0 != 0 }, "the same latents fire")
    for (a, b) in zip(ours.storage, theirs.storage) { #expect(abs(a - b) <= 1e-5 * (1 + abs(b)), "\(a) vs \(b)") }
  }

  @Test("a matching-pursuit SAE trained by lab train runs in sae-lens to the lab's codes and reconstructions; re-written to the same bytes")
  func labWritten() throws {
    let sae = try SAELensFormat.read(from: Self.folder.appendingPathComponent("sae").path)
    #expect(sae.architecture is MatchingPursuitArchitecture)
    let x = try Self.inputs()
    let codes = sae.encode(x)
    Self.expectClose(codes, try Self.load(Self.folder.appendingPathComponent("codes.npy")))
    Self.expectClose(sae.decode(codes), try Self.load(Self.folder.appendingPathComponent("reconstructions.npy")))
    #expect(codes.storage.contains { $0 > 0 })
    for file in SAELensFormat.files(sae) {
      #expect(file.contents == (try Data(contentsOf: Self.folder.appendingPathComponent("sae/\(file.name)"))), "\(file.name) re-written differs")
    }
  }

  @Test("a matching-pursuit SAE saved by sae-lens (W_dec and b_dec only) loads and gives sae-lens's codes")
  func saeLensWritten() throws {
    let sae = try SAELensFormat.read(from: Self.folder.appendingPathComponent("saelens-sae").path)
    #expect((sae.architecture as? MatchingPursuitArchitecture)?.maxIterations == 4)
    Self.expectClose(sae.encode(try Self.inputs()), try Self.load(Self.folder.appendingPathComponent("saelens-codes.npy")))
  }

  /// Central differences with h = 1e−6 in `Double`, as ``GradientTests``: coordinates whose ±h
  /// perturbation changes which latents the pursuit keeps are skipped (at most a quarter).
  @Test("the gradient through the pursuit matches central finite differences") func gradient() async {
    await propertyCheck(count: 25, input: Gen.int(in: 2...5), Gen.int(in: 2...7), Gen.int(in: 1...5), Gen.uint64()) { m, f, b, seed in
      let p = TestSupport.randomParameters(m: m, f: f, seed: seed)
      let x = TestSupport.randomMatrix(rows: b, columns: m, seed: seed &+ 1)
      let iterations = 1 + Int(seed % 4)
      func evaluate(_ q: SAEParameters<Double>) -> (loss: Double, gradient: [Double], pattern: [Bool]) {
        var gradient = [Double](repeating: 0, count: q.values.count)
        let loss = MatchingPursuit.lossAndGradient(parameters: q, maxIterations: iterations, residualThreshold: 0.01, batch: x, gradient: &gradient).loss
        var centred = x
        for t in 0..<b { for j in 0..<m { centred[t, j] -= q.decoderBias[j] } }
        let codes = MatchingPursuit.encode(centred: centred, decoder: q.decoderWeights, maxIterations: iterations, residualThreshold: 0.01)
        return (loss.total, gradient, codes.storage.map { $0 != 0 })
      }
      let base = evaluate(p)
      var skipped = 0, checked = 0
      for index in p.values.indices {
        var plus = p, minus = p
        plus.values[index] += GradientTests.step
        minus.values[index] -= GradientTests.step
        let (up, down) = (evaluate(plus), evaluate(minus))
        guard up.pattern == base.pattern, down.pattern == base.pattern else { skipped += 1; continue }
        checked += 1
        let numeric = (up.loss - down.loss) / (2 * GradientTests.step)
        #expect(abs(numeric - base.gradient[index]) <= 1e-6 * (1 + abs(base.loss) + abs(base.gradient[index])),
                "m=\(m) F=\(f) B=\(b) T=\(iterations) seed \(seed): parameter \(index) analytic \(base.gradient[index]), numeric \(numeric)")
      }
      #expect(skipped * 4 <= p.values.count, "\(skipped) of \(p.values.count) coordinates sat on a kink")
      // The encoder is unused: its gradient is exactly 0.
      #expect(base.gradient[0..<p.decoderWeightsOffset].allSatisfy { $0 == 0 })
    }
  }

  @Test("S row blocks give one block's loss and gradient to rounding, its firing and active count (those of the encoder), and the same bytes on every call")
  func blocks() async {
    await propertyCheck(count: 40, input: Gen.int(in: 2...6), Gen.int(in: 2...9), Gen.int(in: 1...12), Gen.uint64()) { m, f, b, seed in
      let p = TestSupport.randomParameters(m: m, f: f, seed: seed)
      let x = TestSupport.randomMatrix(rows: b, columns: m, seed: seed &+ 1)
      let iterations = 1 + Int(seed % 4), blocks = 1 + Int((seed >> 8) % UInt64(b))
      func run(_ count: Int) -> (loss: Double, gradient: [Double], fired: [Bool], active: Int) {
        var kernel = MatchingPursuitKernel<Double>(batchSize: b, blockCount: count, inputDimension: m, width: f, maxIterations: iterations)
        var gradient = [Double](repeating: .nan, count: p.values.count)
        let loss = x.storage.withUnsafeBufferPointer {
          kernel.lossAndGradient(parameters: p, residualThreshold: 0.01, batch: $0.baseAddress!, gradient: &gradient)
        }
        return (loss.total, gradient, kernel.fired, kernel.activeCount)
      }
      let one = run(1), split = run(blocks), again = run(blocks)
      let label = "m=\(m) F=\(f) B=\(b) T=\(iterations) S=\(blocks) seed \(seed)"
      #expect(split.loss == again.loss && split.gradient == again.gradient, "\(label)")
      var centred = x
      for t in 0..<b { for j in 0..<m { centred[t, j] -= p.decoderBias[j] } }
      let codes = MatchingPursuit.encode(centred: centred, decoder: p.decoderWeights, maxIterations: iterations, residualThreshold: 0.01)
      #expect(one.active == codes.storage.filter { $0 != 0 }.count, "\(label)")
      #expect(one.fired == (0..<f).map { i in (0..<b).contains { codes[$0, i] != 0 } }, "\(label)")
      #expect(split.fired == one.fired && split.active == one.active, "\(label)")
      #expect(abs(split.loss - one.loss) <= 1e-12 * (1 + abs(one.loss)), "\(label)")
      for index in p.values.indices {
        #expect(abs(split.gradient[index] - one.gradient[index]) <= 1e-12 * (1 + abs(one.gradient[index])),
                "\(label): parameter \(index) blocked \(split.gradient[index]), one block \(one.gradient[index])")
      }
    }
  }
}
