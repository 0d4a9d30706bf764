/// SAELens `topk` with `rescale_acts_by_decoder_norm = false`: keep the `k` largest pre-activations
/// of each sample, then ReLU. Trained on the reconstruction loss alone (no AuxK term).
public struct TopKArchitecture: SAEArchitecture, Equatable {
  /// k, the number of latents kept per sample.
  public var k: Int

  /// A TopK SAE keeping `k` ≥ 1 latents per sample.
  public init(k: Int) {
    precondition(k >= 1, "TopK needs k >= 1, got \(k).")
    self.k = k
  }

  /// `"topk"`.
  public var kind: String { "topk" }
  /// `"topk"`.
  public var saeLensArchitecture: String { "topk" }
  /// Top-k then ReLU.
  public var activation: ActivationRule { .topK(k) }
  /// None.
  public var penalty: SparsityPenalty { .none }
  /// `k` and `rescale_acts_by_decoder_norm` (false).
  public var saeLensExtraConfig: [(key: String, json: String)] { [("k", "\(k)"), ("rescale_acts_by_decoder_norm", "false")] }
}

extension TopKArchitecture {
  /// Zeroes all but the `k` largest of the `count` values at `row` (ties: lower index kept), then
  /// clamps negatives to 0. `scratch` must hold `count` elements. Runs in expected O(count) by
  /// quickselect on a copy.
  static func keepTopK<Scalar: BinaryFloatingPoint>(
    _ row: UnsafeMutablePointer<Scalar>, count: Int, k: Int, scratch: UnsafeMutablePointer<Scalar>
  ) {
    if k >= count {
      for i in 0..<count where row[i] < 0 { row[i] = 0 }
      return
    }
    scratch.update(from: row, count: count)
    // Quickselect: place the (k−1)-th largest at index k−1 (descending order).
    var lo = 0, hi = count - 1
    let target = k - 1
    while lo < hi {
      let pivot = scratch[lo + (hi - lo) / 2]
      var i = lo, j = hi
      while i <= j {
        while scratch[i] > pivot { i += 1 }
        while scratch[j] < pivot { j -= 1 }
        if i <= j { scratch.swapAt(i, j); i += 1; j -= 1 }
      }
      if target <= j { hi = j } else if target >= i { lo = i } else { break }
    }
    let threshold = scratch[target]
    var above = 0
    for i in 0..<count where row[i] > threshold { above += 1 }
    var tiesLeft = k - above
    for i in 0..<count {
      let v = row[i]
      if v > threshold {
        if v < 0 { row[i] = 0 }
      } else if v == threshold && tiesLeft > 0 {
        tiesLeft -= 1
        if v < 0 { row[i] = 0 }
      } else {
        row[i] = 0
      }
    }
  }
}

extension UnsafeMutablePointer {
  /// Swaps the elements at offsets `i` and `j`.
  fileprivate func swapAt(_ i: Int, _ j: Int) {
    let t = self[i]
    self[i] = self[j]
    self[j] = t
  }
}
