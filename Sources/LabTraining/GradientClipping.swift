/// Gradient-norm clipping as `torch.nn.utils.clip_grad_norm_`: when the global Euclidean norm of
/// the gradient exceeds `maximum`, every entry is multiplied by `maximum / norm`.
public enum GradientClipping {
  /// Clips `gradient` in place; the norm is accumulated in `Double`.
  public static func clip<Scalar: BinaryFloatingPoint>(_ gradient: inout [Scalar], to maximum: Double) {
    let norm = gradient.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
    guard norm > maximum else { return }
    let factor = Scalar(maximum / norm)
    for i in gradient.indices { gradient[i] *= factor }
  }
}
