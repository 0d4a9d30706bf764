import LabNumerics

/// The sufficient statistics of a quadratic surrogate of L_λ in (D, b) for fixed codes
/// (Mairal, Bach, Ponce & Sapiro 2009/2010, "Online dictionary learning for sparse coding"),
/// weighted and with forgetting:
///
///     F(D, b) = Σ_t w_t Σ_{n ∈ batch t} [ ½‖x_n − b − z_n D‖² + λ Σ_k z_nk ]
///             = ½ Σ w‖x‖² − Σ_k d_kᵀB_k + ½ Σ_jk A_jk d_jᵀd_k − s_xᵀb + bᵀDᵀs_z + ½ c‖b‖² + λ p
///
/// with A = Σ w zᵀz (`K × K`), B = Σ w zᵀx (`K × m`, row k is Σ w z_nk x_n), s_z = Σ w z,
/// s_x = Σ w x, c = Σ w, p = Σ w Σ_k z_k. With every point at weight 1 and the current codes,
/// F is L_λ itself, and the block steps below are those of exact block minimisation (THEORY §5.8).
public struct SufficientStatistics: Sendable {
  /// A = Σ w zᵀz, `K × K`.
  public private(set) var codeGram: Matrix<Double>
  /// B = Σ w zᵀx, `K × m`.
  public private(set) var codeSample: Matrix<Double>
  /// s_z = Σ w z, length K.
  public private(set) var codeSum: [Double]
  /// s_x = Σ w x, length m.
  public private(set) var sampleSum: [Double]
  /// c = Σ w.
  public private(set) var weight: Double
  /// ½ Σ w‖x‖².
  public private(set) var halfSquaredNorm: Double
  /// p = Σ w Σ_k z_k.
  public private(set) var codeMass: Double

  /// Empty statistics for `atoms` atoms in dimension `dimension`.
  public init(atoms: Int, dimension: Int) {
    codeGram = Matrix(rows: atoms, columns: atoms)
    codeSample = Matrix(rows: atoms, columns: dimension)
    codeSum = [Double](repeating: 0, count: atoms)
    sampleSum = [Double](repeating: 0, count: dimension)
    weight = 0
    halfSquaredNorm = 0
    codeMass = 0
  }

  /// Multiplies every statistic by the forgetting factor `beta` ∈ [0, 1].
  public mutating func decay(by beta: Double) {
    codeGram.storage.withUnsafeMutableBufferPointer { for i in $0.indices { $0[i] *= beta } }
    codeSample.storage.withUnsafeMutableBufferPointer { for i in $0.indices { $0[i] *= beta } }
    for i in codeSum.indices { codeSum[i] *= beta }
    for i in sampleSum.indices { sampleSum[i] *= beta }
    weight *= beta
    halfSquaredNorm *= beta
    codeMass *= beta
  }

  /// Adds the points `samples` (`n × m`) with their `codes` (`n × K`), each at weight `scale`.
  public mutating func add(samples: Matrix<Double>, codes: Matrix<Double>, scale: Double) {
    precondition(samples.rows == codes.rows && codes.columns == codeGram.rows && samples.columns == codeSample.columns,
                 "Statistics shapes: X \(samples.rows)×\(samples.columns), Z \(codes.rows)×\(codes.columns), K \(codeGram.rows), m \(codeSample.columns).")
    let gram = codes.columnGram()
    let cross = codes.multiplied(by: samples, transposingSelf: true)
    // One mutable access per matrix: element-wise assignment through `storage` would copy it each time.
    codeGram.storage.withUnsafeMutableBufferPointer { a in for i in a.indices { a[i] += scale * gram.storage[i] } }
    codeSample.storage.withUnsafeMutableBufferPointer { b in for i in b.indices { b[i] += scale * cross.storage[i] } }
    let k = codes.columns, m = samples.columns
    for n in 0..<codes.rows {
      for j in 0..<k { codeSum[j] += scale * codes.storage[n * k + j] }
      var squared = 0.0
      for i in 0..<m {
        let x = samples.storage[n * m + i]
        sampleSum[i] += scale * x
        squared += x * x
      }
      halfSquaredNorm += scale * 0.5 * squared
    }
    codeMass += scale * codes.storage.reduce(0, +)
    weight += scale * Double(codes.rows)
  }

  /// Forgets atom `k`: its row and column of A, its row of B and its entry of s_z become zero
  /// (used when a dead atom is re-seeded, so that stale statistics do not pull it back).
  public mutating func forgetAtom(_ k: Int) {
    let atoms = codeGram.rows, m = codeSample.columns
    codeGram.storage.withUnsafeMutableBufferPointer { a in
      for j in 0..<atoms {
        a[k * atoms + j] = 0
        a[j * atoms + k] = 0
      }
    }
    codeSample.storage.withUnsafeMutableBufferPointer { b in for i in 0..<m { b[k * m + i] = 0 } }
    codeSum[k] = 0
  }

  /// F(D, b) (see the type's documentation); `bias` `nil` means b = 0 and no bias terms.
  public func surrogate(dictionary: Matrix<Double>, bias: [Double]?, lambda: Double) -> Double {
    let atomGram = dictionary.rowGram()
    var value = halfSquaredNorm + lambda * codeMass
    for i in atomGram.storage.indices { value += 0.5 * codeGram.storage[i] * atomGram.storage[i] }
    for i in dictionary.storage.indices { value -= dictionary.storage[i] * codeSample.storage[i] }
    if let bias {
      let pull = dictionary.applied(to: codeSum, transposed: true)  // Dᵀ s_z
      for i in bias.indices { value += bias[i] * (pull[i] - sampleSum[i]) + 0.5 * weight * bias[i] * bias[i] }
    }
    return value
  }

  /// One sweep of exact block steps on the atoms, k = 1…K in order: with the other atoms and b
  /// fixed, F is linear in d_k on the sphere, so d_k ← v/‖v‖ with
  /// v = B_k − Σ_{j≠k} A_kj d_j − (s_z)_k b is its exact minimiser; an atom with A_kk = 0 or
  /// v = 0 is left unchanged. F never increases. Returns the largest change of an atom entry.
  public func updateAtoms(_ dictionary: inout Matrix<Double>, bias: [Double]?) -> Double {
    let k = dictionary.rows, m = dictionary.columns
    precondition(k == codeGram.rows && m == codeSample.columns, "Dictionary \(k)×\(m) does not match statistics for K \(codeGram.rows), m \(codeSample.columns).")
    var pull = codeGram.multiplied(by: dictionary)  // row j: Σ_i A_ji d_i, kept current for rows after the atom being updated
    var step = 0.0
    // Raw buffers (no bounds or overflow checks) so that the rank-one updates below vectorise.
    let v = UnsafeMutablePointer<Double>.allocate(capacity: m), delta = UnsafeMutablePointer<Double>.allocate(capacity: m)
    defer {
      v.deallocate()
      delta.deallocate()
    }
    codeGram.storage.withUnsafeBufferPointer { aBuffer in
      codeSample.storage.withUnsafeBufferPointer { bBuffer in
        dictionary.storage.withUnsafeMutableBufferPointer { dBuffer in
          pull.storage.withUnsafeMutableBufferPointer { gBuffer in
            let a = aBuffer.baseAddress!, b = bBuffer.baseAddress!, d = dBuffer.baseAddress!, g = gBuffer.baseAddress!
            for atom in 0..<k {
              let diagonal = a[atom &* k &+ atom]
              guard diagonal > 0 else { continue }
              let target = b + atom &* m, current = d + atom &* m, pulled = g + atom &* m
              var squared = 0.0
              for i in 0..<m {
                var value = target[i] - pulled[i] + diagonal * current[i]
                if let bias { value -= codeSum[atom] * bias[i] }
                v[i] = value
                squared += value * value
              }
              guard squared > 0 else { continue }
              let norm = squared.squareRoot()
              for i in 0..<m {
                let new = v[i] / norm
                delta[i] = new - current[i]
                step = max(step, abs(delta[i]))
                current[i] = new
              }
              // A is symmetric, so row `atom` of A holds the weights A_j,atom of the later rows.
              let weights = a + atom &* k
              for j in (atom + 1)..<k {
                let weight = weights[j]
                guard weight != 0 else { continue }
                let row = g + j &* m
                for i in 0..<m { row[i] += weight * delta[i] }
              }
            }
          }
        }
      }
    }
    return step
  }

  /// The exact minimiser of F over b for fixed D: b = (s_x − Dᵀs_z)/c (the current b when c = 0).
  public func optimalBias(dictionary: Matrix<Double>, current: [Double]) -> [Double] {
    guard weight > 0 else { return current }
    let pull = dictionary.applied(to: codeSum, transposed: true)
    return (0..<sampleSum.count).map { (sampleSum[$0] - pull[$0]) / weight }
  }
}
