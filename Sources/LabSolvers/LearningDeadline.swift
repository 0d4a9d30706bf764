import Synchronization

/// When a learner's time budget (`timeLimit`) has run out. Every learner asks it between its
/// iterations and inside them — the full-batch learners before every atom of a coordinate-descent
/// sweep and of a dictionary update and before every chunk of points of an exact-codes check, the
/// online learner after every mini-batch — so that one iteration on a large data set cannot run far
/// past the limit. Once it has reported that the budget is spent it keeps reporting so.
public final class LearningDeadline: Sendable {
  private let expired: @Sendable () -> Bool

  /// A deadline that has passed once `expired` says so; `expired` is called at every question, so it
  /// can be a clock or a counter (tests stop a learner at a chosen question, whatever the machine's speed).
  public init(_ expired: @escaping @Sendable () -> Bool) { self.expired = expired }

  /// A deadline `seconds` of wall-clock time from now (`ContinuousClock`).
  public convenience init(seconds: Double) {
    let clock = ContinuousClock(), end = clock.now + .seconds(seconds)
    self.init { clock.now >= end }
  }

  /// The deadline of a `timeLimit` in seconds; `nil` for none, which never passes.
  public convenience init(timeLimit: Double?) {
    if let timeLimit { self.init(seconds: timeLimit) } else { self.init { false } }
  }

  /// A deadline that passes at the `checks + 1`-th question: a clock that does not depend on the
  /// machine's speed, for tests that stop a learner at a chosen place inside an iteration.
  public static func afterChecks(_ checks: Int) -> LearningDeadline {
    let counter = CheckCounter()
    return LearningDeadline { counter.asked.add(1, ordering: .relaxed).newValue > checks }
  }

  private final class CheckCounter: Sendable { let asked = Atomic<Int>(0) }

  /// Whether the budget is spent.
  public var hasPassed: Bool { expired() }
}
