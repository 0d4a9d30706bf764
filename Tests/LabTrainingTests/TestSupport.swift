import LabNumerics
import LabRandom
import LabTestSupport
import LabTraining

/// Random problems shared by the training tests.
enum TestSupport {
  /// Parameters with every entry standard normal (biases included), so that codes of both signs occur.
  static func randomParameters(m: Int, f: Int, seed: UInt64) -> SAEParameters<Double> {
    var generator = SeedTree(root: seed).generator(for: "parameters")
    var p = SAEParameters<Double>(inputDimension: m, width: f)
    p.values = p.values.map { _ in generator.nextNormal() }
    return p
  }

  /// A `rows`×`m` matrix of standard normal entries.
  static func randomMatrix(rows: Int, columns: Int, seed: UInt64) -> Matrix<Double> {
    var generator = SeedTree(root: seed).generator(for: "matrix")
    return RandomMatrices.gaussian(rows, columns, &generator)
  }

  /// The kernel's loss and gradient of `architecture` at `parameters` on `x` (with the B×F training
  /// noise `noise` added to the pre-activations, if given), and the training codes.
  static func lossAndGradient(_ architecture: any SAEArchitecture, _ parameters: SAEParameters<Double>, _ x: Matrix<Double>,
                              noise: [Double]? = nil)
    -> (loss: BatchLoss, gradient: [Double], fired: [Bool], codes: [Double])
  {
    var gradient = [Double](repeating: .nan, count: parameters.values.count)
    var workspace = Workspace<Double>(batchSize: x.rows, inputDimension: parameters.inputDimension, width: parameters.width)
    let loss = x.storage.withUnsafeBufferPointer { batch in
      (noise ?? []).withUnsafeBufferPointer { e in
        SAEKernel.lossAndGradient(parameters: parameters, activation: architecture.activation, penalty: architecture.penalty,
                                  subtractsDecoderBias: architecture.subtractsDecoderBias, nestedPrefixes: architecture.nestedPrefixes, noise: noise == nil ? nil : e.baseAddress!,
                                  batch: batch.baseAddress!, gradient: &gradient, workspace: &workspace)
      }
    }
    return (loss, gradient, workspace.fired, workspace.lastCodes)
  }

  /// A small sparse world: `k` random unit features in `m` dimensions, each firing with probability
  /// `p` with magnitude uniform in (0, 2); returns (X N×m, D k×m) in float32 and float64.
  static func sparseWorld(n: Int, m: Int, k: Int, p: Double, seed: UInt64) -> (x: Matrix<Float>, truth: Matrix<Double>) {
    var generator = SeedTree(root: seed).generator(for: "world")
    var d = Matrix<Double>(rows: k, columns: m)
    for i in 0..<k {
      let row = (0..<m).map { _ in generator.nextNormal() }
      let norm = row.reduce(0) { $0 + $1 * $1 }.squareRoot()
      d.setRow(i, to: row.map { $0 / norm })
    }
    var x = Matrix<Float>(rows: n, columns: m)
    for r in 0..<n {
      for i in 0..<k where generator.nextBernoulli(p) {
        let c = generator.nextUniform(in: 0...2)
        for j in 0..<m { x[r, j] += Float(c * d[i, j]) }
      }
    }
    return (x, d)
  }
}
