extension Xoshiro256StarStar {
  /// The four 64-bit state words, for saving a generator mid-stream (training checkpoints).
  public var state: [UInt64] { [s0, s1, s2, s3] }

  /// A generator that continues exactly where the one whose ``state`` was saved stopped; `nil`
  /// unless `state` holds four words that are not all zero (the all-zero state is invalid).
  public init?(state: [UInt64]) {
    guard state.count == 4, state.contains(where: { $0 != 0 }) else { return nil }
    self.init(seed: 0)
    (s0, s1, s2, s3) = (state[0], state[1], state[2], state[3])
  }
}
