/// How an architecture turns pre-activations `h = (x − b_dec) W_enc + b_enc` into codes. Both rules
/// keep a code only where it is positive, so the derivative of a code with respect to its
/// pre-activation is 1 where the code is positive and 0 elsewhere.
public enum ActivationRule: Equatable, Sendable {
  /// `z = ReLU(h)`.
  case relu
  /// Keep the `k` largest pre-activations of each row (ties broken by the lower latent index),
  /// zero the rest, then ReLU (SAELens `topk` without decoder-norm rescaling).
  case topK(Int)
}

/// The sparsity term added to the reconstruction loss, averaged over the batch.
public enum SparsityPenalty: Equatable, Sendable {
  /// No penalty (TopK controls sparsity).
  case none
  /// `λ · mean_batch Σ_i z_i ‖W_dec,i‖`, SAELens `standard` and bench_w3_sae.py.
  case decoderNormWeightedL1(Double)
}

/// A sparse-autoencoder architecture: an activation rule, a sparsity penalty and its SAELens name.
/// Every architecture shares the encoder and decoder biases and subtracts the decoder bias from
/// the input before encoding (SAELens `apply_b_dec_to_input = true`).
public protocol SAEArchitecture: Sendable {
  /// The registry name used by `lab train --arch` (e.g. `"relu-l1"`).
  var kind: String { get }
  /// The SAELens `architecture` written to `cfg.json` (e.g. `"standard"`).
  var saeLensArchitecture: String { get }
  /// The activation rule.
  var activation: ActivationRule { get }
  /// The sparsity penalty of the training loss.
  var penalty: SparsityPenalty { get }
  /// Architecture-specific `cfg.json` keys as (key, JSON text) pairs, in order.
  var saeLensExtraConfig: [(key: String, json: String)] { get }
}
