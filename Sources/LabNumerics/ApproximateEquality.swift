extension Array where Element: LinearAlgebraScalar {
  /// Whether two vectors are equal up to the given tolerances, with the semantics of RealModule's
  /// `isApproximatelyEqual(to:absoluteTolerance:relativeTolerance:norm:)` applied to the Euclidean norm:
  /// true when the arrays are `==`, or when `‖self − other‖` is finite and at most
  /// `max(absoluteTolerance, relativeTolerance · max(‖self‖, ‖other‖))`.
  ///
  /// Arrays of different lengths are never approximately equal. As in RealModule, the default relative
  /// tolerance is √ε; pass an `absoluteTolerance` when comparing with (nearly) zero vectors.
  /// Requires `absoluteTolerance ≥ 0` and finite, and `0 ≤ relativeTolerance ≤ 1`.
  @inlinable
  public func isApproximatelyEqual(
    to other: [Element], absoluteTolerance: Element = 0, relativeTolerance: Element = Element.ulpOfOne.squareRoot()
  ) -> Bool {
    precondition(
      absoluteTolerance >= 0 && absoluteTolerance.isFinite,
      "absoluteTolerance must be nonnegative and finite, got \(absoluteTolerance).")
    precondition(
      relativeTolerance >= 0 && relativeTolerance <= 1, "relativeTolerance must be in [0, 1], got \(relativeTolerance).")
    guard count == other.count else { return false }
    if self == other { return true }
    let delta = zip(self, other).map(-).euclideanNorm
    let scale = Swift.max(euclideanNorm, other.euclideanNorm)
    return delta.isFinite && delta <= Swift.max(absoluteTolerance, relativeTolerance * scale)
  }
}

extension Matrix {
  /// Whether two matrices have the same shape and are equal up to the given tolerances in the Frobenius
  /// norm: the lab's single approximate-equality rule, identical to
  /// `Array.isApproximatelyEqual(to:absoluteTolerance:relativeTolerance:)` on the storage.
  @inlinable
  public func isApproximatelyEqual(
    to other: Matrix, absoluteTolerance: Scalar = 0, relativeTolerance: Scalar = Scalar.ulpOfOne.squareRoot()
  ) -> Bool {
    rows == other.rows && columns == other.columns
      && storage.isApproximatelyEqual(
        to: other.storage, absoluteTolerance: absoluteTolerance, relativeTolerance: relativeTolerance)
  }
}
