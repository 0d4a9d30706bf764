import Foundation
import Testing
@testable import LabTraining
@testable import lab

@Suite("Progress bar")
struct ProgressBarTests {
  @Test("The bar's text shows the completed fraction, the step and the elapsed seconds, within the width")
  func line() {
    #expect(ProgressBar.line(completed: 3, total: 6, label: "exclusive: training", elapsed: 12.7, width: 80)
      == "[##########----------] 3/6 exclusive: training (12 s)")
    #expect(ProgressBar.line(completed: 0, total: 4, label: "x", elapsed: 2, width: 80) == "[--------------------] 0/4 x (2 s)")
    #expect(ProgressBar.line(completed: 9, total: 4, label: "x", elapsed: 2, width: 80) == "[####################] 4/4 x (2 s)")
    let cut = ProgressBar.line(completed: 1, total: 2, label: String(repeating: "y", count: 200), elapsed: 0, width: 40)
    #expect(cut.count == 40 && cut.hasSuffix("…"))
  }

  @Test("A disabled bar draws nothing and finishes cleanly")
  func disabled() {
    let bar = ProgressBar(total: 3, enabled: false)
    bar.update(completed: 1, label: "step")
    bar.finish()
    #expect(!ProgressBar.isWanted(quiet: true))
  }
}

/// Everything a bar wrote, in order, with the stream it went to.
final class StreamLog: @unchecked Sendable {
  enum Stream: Equatable { case bar, result }
  private let lock = NSLock()
  private var entries: [(stream: Stream, text: String)] = []

  /// Streams writing into this log, for a terminal `width` columns wide.
  func streams(width: Int) -> ProgressBar.Streams {
    ProgressBar.Streams(bar: { self.append(.bar, $0) }, result: { self.append(.result, $0) }, width: { width })
  }

  func append(_ stream: Stream, _ text: String) {
    lock.lock()
    entries.append((stream, text))
    lock.unlock()
  }

  var all: [(stream: Stream, text: String)] {
    lock.lock()
    defer { lock.unlock() }
    return entries
  }
}

@Suite("Progress bar and result lines")
struct ProgressBarClearingTests {
  static let widths = [1, 2, 3, 10, 24, 40, 80, 200]

  @Test("A result line is written only after the drawn bar was cleared, and the bar never reaches the last column", arguments: widths)
  func resultLines(_ width: Int) {
    let log = StreamLog()
    let bar = ProgressBar(total: 10, enabled: true, delay: 0, streams: log.streams(width: width))
    bar.update(completed: 3, label: "dictionary learning " + String(repeating: "λ", count: 100))
    bar.print("suppression: 10 of 10 checks pass")
    bar.update(completed: 4, label: "next")
    bar.print("second result")
    bar.finish()
    let entries = log.all
    let results = entries.indices.filter { entries[$0].stream == .result }
    #expect(results.map { entries[$0].text } == ["suppression: 10 of 10 checks pass\n", "second result\n"])
    for index in results {
      // The bar was drawn before each result line, so the entry just before it is the clearing.
      #expect(index > 0 && entries[index - 1] == (.bar, ProgressBar.clearLine), "width \(width): \(entries)")
    }
    // A bar the timer drew again after the last result line is cleared by finish().
    let redrawn = entries[(results.last ?? 0)...].filter { $0.stream == .bar }
    #expect(redrawn.last.map { $0 == (.bar, ProgressBar.clearLine) } ?? true)
    for entry in entries where entry.stream == .bar {
      #expect(entry.text.hasPrefix(ProgressBar.clearLine))
      let drawn = entry.text.dropFirst(ProgressBar.clearLine.count)
      #expect(drawn.count <= max(1, width - 1) && !drawn.contains("\n") && !drawn.contains("\r"), "width \(width): '\(drawn)'")
    }
  }

  @Test("Nothing is cleared when no bar was drawn (disabled, or still in its delay)")
  func undrawn() {
    for (enabled, delay) in [(false, 0.0), (true, 3600.0)] {
      let log = StreamLog()
      let bar = ProgressBar(total: 2, enabled: enabled, delay: delay, streams: log.streams(width: 80))
      bar.update(completed: 1, label: "step")
      bar.print("result")
      bar.finish()
      #expect(log.all.map(\.stream) == [.result] && log.all.map(\.text) == ["result\n"])
    }
  }

  @Test("lab train's progress line fits the width and is cleared at the last step", arguments: widths)
  func trainProgress(_ width: Int) {
    let loss = BatchLoss(meanSquaredError: 1.5, penalty: 0.25)
    for step in [1, 50, 99] {
      let text = TrainProgress.text(TrainingProgress(step: step, totalSteps: 100, loss: loss, seconds: 1), width: width - 1)
      #expect(text.hasPrefix(ProgressBar.clearLine) && text.dropFirst(ProgressBar.clearLine.count).count <= max(1, width - 1))
    }
    #expect(TrainProgress.text(TrainingProgress(step: 100, totalSteps: 100, loss: loss, seconds: 1), width: width - 1) == ProgressBar.clearLine)
  }
}
