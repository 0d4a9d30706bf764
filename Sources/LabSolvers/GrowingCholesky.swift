/// The Cholesky factor L (lower triangular, LLᵀ = G_PP) of the Gram matrix of a small, growing
/// set of signed atoms P, kept in preallocated storage so the sparse-coding kernels allocate
/// nothing per point.
///
/// Entry (i, j) of G_PP is sᵢ sⱼ G[aᵢ, aⱼ] for the atoms aᵢ with signs sᵢ ∈ {+1, −1}. Appending an
/// atom costs O(p²) (one forward substitution); removing atoms refactorises (O(p³), p is small).
/// Not thread-safe: every worker thread owns its own factor.
final class GrowingCholesky {
  /// The most atoms the factor can hold.
  let capacity: Int
  /// The number of atoms now in the factor.
  private(set) var count = 0
  /// The atoms, in factor order.
  private(set) var atoms: UnsafeMutablePointer<Int>
  /// Their signs (+1 or −1).
  private(set) var signs: UnsafeMutablePointer<Double>
  private let factor: UnsafeMutablePointer<Double>  // capacity × capacity, row-major, lower triangle used
  private let scratch: UnsafeMutablePointer<Double>

  /// A factor for up to `capacity` atoms.
  init(capacity: Int) {
    precondition(capacity >= 1, "A Cholesky factor needs room for at least one atom, got \(capacity).")
    self.capacity = capacity
    atoms = .allocate(capacity: capacity)
    signs = .allocate(capacity: capacity)
    factor = .allocate(capacity: capacity * capacity)
    scratch = .allocate(capacity: capacity)
  }

  deinit {
    atoms.deallocate()
    signs.deallocate()
    factor.deallocate()
    scratch.deallocate()
  }

  /// Empties the factor.
  func removeAll() { count = 0 }

  /// Appends atom `atom` with sign `sign`, given the `K × K` row-major Gram matrix `gram`.
  /// Returns `false` (and leaves the factor unchanged) when the factor is full or the atom is
  /// numerically in the span of the current ones: its Schur complement is at most
  /// `relativePivot` · G[atom, atom].
  func append(atom: Int, sign: Double, gram: UnsafePointer<Double>, atomCount k: Int, relativePivot: Double = 1e-12) -> Bool {
    guard count < capacity else { return false }
    let p = count
    let gramRow = gram + atom * k
    // Forward substitution L w = (s_e sᵢ G[e, aᵢ])ᵢ, w stored straight into row p of the factor.
    let row = factor + p * capacity
    var squares = 0.0
    for i in 0..<p {
      var value = sign * signs[i] * gramRow[atoms[i]]
      let li = factor + i * capacity
      for j in 0..<i { value -= li[j] * row[j] }
      value /= li[i]
      row[i] = value
      squares += value * value
    }
    let diagonal = gramRow[atom]
    let schur = diagonal - squares
    guard schur > relativePivot * diagonal else { return false }
    row[p] = schur.squareRoot()
    atoms[p] = atom
    signs[p] = sign
    count = p + 1
    return true
  }

  /// Keeps the atoms at the positions where `keep` is true (in order) and refactorises.
  /// Returns `false` when the refactorisation meets a non-positive pivot (then the factor is empty).
  func retain(where keep: (Int) -> Bool, gram: UnsafePointer<Double>, atomCount k: Int) -> Bool {
    var kept = 0
    for i in 0..<count where keep(i) {
      atoms[kept] = atoms[i]
      signs[kept] = signs[i]
      kept += 1
    }
    count = 0
    for i in 0..<kept {
      guard append(atom: atoms[i], sign: signs[i], gram: gram, atomCount: k, relativePivot: 0) else {
        count = 0
        return false
      }
    }
    return true
  }

  /// Solves G_PP s = rhs (both of length `count`), writing s into `solution`.
  func solve(_ rhs: UnsafePointer<Double>, into solution: UnsafeMutablePointer<Double>) {
    let p = count
    for i in 0..<p {  // L y = rhs
      var value = rhs[i]
      let li = factor + i * capacity
      for j in 0..<i { value -= li[j] * scratch[j] }
      scratch[i] = value / li[i]
    }
    var i = p - 1
    while i >= 0 {  // Lᵀ s = y
      var value = scratch[i]
      for j in (i + 1)..<p { value -= factor[j * capacity + i] * solution[j] }
      solution[i] = value / factor[i * capacity + i]
      i -= 1
    }
  }
}
