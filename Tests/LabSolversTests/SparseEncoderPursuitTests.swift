import LabNumerics
import LabRandom
import LabSolvers
import PropertyBased
import Testing
import LabTestSupport

@Suite("Sparse encoder: OMP, TopK, exact L1, configuration")
struct SparseEncoderPursuitTests {
  /// A K × m dictionary (K ≤ m) of unit rows near an orthonormal set: Q's first K rows plus ε·noise.
  static func nearOrthonormal(atoms: Int, dimension: Int, epsilon: Double, _ rng: inout Xoshiro256StarStar) throws -> Matrix<Double> {
    let q = try RandomMatrices.gaussian(dimension, dimension, &rng).singularValueDecomposition().u
    var d = Matrix<Double>(rows: atoms, columns: dimension)
    for k in 0..<atoms {
      let row = q.row(k).map { $0 + epsilon * rng.nextNormal() }
      let norm = row.reduce(0) { $0 + $1 * $1 }.squareRoot()
      d.setRow(k, to: row.map { $0 / norm })
    }
    return d
  }

  /// μ = max_{j≠k} |d_jᵀd_k|.
  static func coherence(_ d: Matrix<Double>) -> Double {
    let g = d.rowGram()
    var mu = 0.0
    for j in 0..<d.rows { for k in 0..<d.rows where k != j { mu = max(mu, abs(g[j, k])) } }
    return mu
  }

  @Test("OMP recovers every exactly k-sparse signed code when k < (1 + 1/μ)/2")
  func ompRecovery() async throws {
    await propertyCheck(count: 60, input: Gen.int(in: 4...12), Gen.double(in: 0...0.2), Gen.int(in: 0...Int(Int32.max))) { dimension, epsilon, seed in
      var rng = Xoshiro256StarStar(seed: UInt64(seed))
      let d = try Self.nearOrthonormal(atoms: dimension, dimension: dimension, epsilon: epsilon, &rng)
      let mu = Self.coherence(d)
      let bound = mu > 0 ? (1 + 1 / mu) / 2 : Double.infinity
      let k = min(dimension, Int((bound - 1e-9).rounded(.up)) - 1)
      guard k >= 1 else { return }
      var truth = Matrix<Double>(rows: 5, columns: dimension)
      for n in 0..<5 {
        var chosen = Set<Int>()
        while chosen.count < k { chosen.insert(rng.nextInt(below: dimension)) }
        for atom in chosen { truth[n, atom] = (rng.nextBernoulli(0.5) ? 1 : -1) * (0.5 + rng.nextUniform()) }
      }
      let x = truth * d
      let configuration = try SparseEncoder.Configuration(method: .omp, lambda: 1, constraint: .signed, activeCount: k)
      let codes = try SparseEncoder(dictionary: d, configuration: configuration).encode(x, bias: nil).codes
      #expect(codes.storage.isApproximatelyEqual(to: truth.storage, absoluteTolerance: 1e-9),
              "k = \(k), μ = \(mu), m = \(dimension), seed \(seed)")
    }
  }

  @Test("OMP codes have at most k atoms and a residual orthogonal to every chosen atom (its least-squares optimality)")
  func ompOptimality() async throws {
    await propertyCheck(count: 100, input: Gen.int(in: 1...12), Gen.int(in: 1...8), Gen.int(in: 1...6), Gen.int(in: 0...Int(Int32.max))) { atoms, dimension, k, seed in
      let instance = CodingInstance(atoms: atoms, dimension: dimension, points: 5, withBias: true, seed: seed)
      let configuration = try SparseEncoder.Configuration(method: .omp, lambda: 1, constraint: .signed, activeCount: min(k, atoms))
      let codes = try SparseEncoder(dictionary: instance.dictionary, configuration: configuration).encode(instance.samples, bias: instance.bias).codes
      let problem = SparseCodingProblem(samples: instance.samples, dictionary: instance.dictionary, bias: instance.bias, codes: codes, lambda: 1)
      let correlations = problem.residual.multiplied(by: instance.dictionary, transposingOther: true)
      for n in 0..<codes.rows {
        let support = (0..<atoms).filter { codes[n, $0] != 0 }
        #expect(support.count <= min(k, atoms))
        #expect(support.allSatisfy { abs(correlations[n, $0]) <= 1e-10 }, "seed \(seed), point \(n): \(support.map { correlations[n, $0] })")
      }
    }
  }

  @Test("TopK keeps the k largest correlations (positive ones for nonnegative codes)")
  func topK() throws {
    let d = Matrix<Double>.identity(4)
    let x = Matrix<Double>([[0.5, -3, 2, 1], [-1, -2, -3, 0.25]])
    let configure = { (c: CodeConstraint) in try SparseEncoder.Configuration(method: .topK, lambda: 1, constraint: c, activeCount: 2) }
    let nonnegative = try SparseEncoder(dictionary: d, configuration: configure(.nonnegative)).encode(x, bias: nil).codes
    #expect(nonnegative.storage == [0, 0, 2, 1, 0, 0, 0, 0.25])
    let signed = try SparseEncoder(dictionary: d, configuration: configure(.signed)).encode(x, bias: nil).codes
    #expect(signed.storage == [0, -3, 2, 0, 0, -2, -3, 0])
  }

  @Test("Exact L1 (λ → 0) brackets the lasso: λ‖z_λ‖₁ ≤ L_λ(z_λ) ≤ λγ(v), and L_λ/λ → γ(v)")
  func exactL1Limit() async throws {
    await propertyCheck(count: 25, input: Gen.int(in: 2...4), Gen.bool, Gen.int(in: 0...Int(Int32.max))) { dimension, signed, seed in
      var rng = Xoshiro256StarStar(seed: UInt64(seed))
      let atoms = 3 * dimension
      let d = RandomMatrices.unitDictionary(atoms: atoms, dimension: dimension, &rng)
      // Points in the cone of the atoms (a nonnegative sparse combination), so P₀ is feasible.
      var truth = Matrix<Double>(rows: 3, columns: atoms)
      for n in 0..<3 { for a in 0..<atoms where rng.nextBernoulli(0.5) { truth[n, a] = rng.nextUniform() } }
      let x = truth * d
      let constraint: CodeConstraint = signed ? .signed : .nonnegative
      let lambda = 1e-7
      let exact = try SparseEncoder(dictionary: d, configuration: .init(method: .exactL1, lambda: lambda, constraint: constraint)).encode(x, bias: nil)
      let lasso = try SparseEncoder(dictionary: d, configuration: .init(method: .activeSet, lambda: lambda, constraint: constraint)).encode(x, bias: nil)
      let exactCodes = exact.codes, lassoCodes = lasso.codes
      for n in 0..<3 {
        let gamma = exactCodes.row(n).reduce(0) { $0 + abs($1) }
        #expect((0..<dimension).allSatisfy { i in abs((0..<atoms).reduce(0) { $0 + exactCodes[n, $1] * d[$1, i] } - x[n, i]) <= 1e-9 })
        let point = Matrix(rows: 1, columns: dimension, storage: x.row(n))
        let measured = CodeOptimality(samples: point, dictionary: d, bias: nil, codes: Matrix(rows: 1, columns: atoms, storage: lassoCodes.row(n)),
                                      lambda: lambda, constraint: constraint)
        #expect(measured.objective <= lambda * gamma * (1 + 1e-9), "seed \(seed): L = \(measured.objective), λγ = \(lambda * gamma)")
        #expect(measured.objective / lambda >= gamma * (1 - 1e-4), "seed \(seed): L/λ = \(measured.objective / lambda), γ = \(gamma)")
      }
    }
  }

  @Test("Invalid configurations are refused with a message naming the field and value")
  func configurationErrors() {
    #expect(throws: SparseEncoder.ConfigurationError(message: "The 'lambda' parameter of SparseEncoder must be a finite number > 0. Got 0.0 instead.")) {
      try SparseEncoder.Configuration(method: .activeSet, lambda: 0, constraint: .nonnegative)
    }
    #expect(throws: SparseEncoder.ConfigurationError(message: "The 'activeCount' parameter of SparseEncoder must be an integer ≥ 1 for the 'topk' method. Got nothing instead.")) {
      try SparseEncoder.Configuration(method: .topK, lambda: 1, constraint: .nonnegative)
    }
    #expect(throws: SparseEncoder.ConfigurationError(message: "The 'activeCount' parameter of SparseEncoder must be in 1...3 (the atom count). Got 4 instead.")) {
      try SparseEncoder(dictionary: .identity(3), configuration: .init(method: .topK, lambda: 1, constraint: .signed, activeCount: 4))
    }
  }
}

@Suite("Sparse encoder: shapes")
struct SparseEncoderShapeTests {
  @Test("Samples or a bias whose width differs from the dictionary's are refused, naming every shape")
  func shapeMismatch() throws {
    let encoder = try SparseEncoder(dictionary: .identity(3), configuration: .init(method: .activeSet, lambda: 1, constraint: .nonnegative))
    #expect(throws: SparseEncoder.EncodingError(message: "Inconsistent shapes: the samples X (2×4) and the dictionary D (3×3) must all have m columns.")) {
      try encoder.encode(Matrix(rows: 2, columns: 4), bias: nil)
    }
    #expect(throws: SparseEncoder.EncodingError(message: "Inconsistent shapes: the samples X (2×3), the dictionary D (3×3) and the bias b (length 2) must all have m columns.")) {
      try encoder.encode(Matrix(rows: 2, columns: 3), bias: [0, 0])
    }
  }
}
