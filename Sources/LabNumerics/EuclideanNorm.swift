extension Array where Element: LinearAlgebraScalar {
  /// The Euclidean norm `√(Σ xᵢ²)` through `cblas_?nrm2`, which scales to avoid needless overflow
  /// and underflow; 0 for an empty array.
  @inlinable
  public var euclideanNorm: Element {
    guard !isEmpty else { return 0 }
    let count = blasInteger(count)
    return withUnsafeBufferPointer { Element.blasNrm2(count: count, x: $0.baseAddress!) }
  }
}
