import Foundation

/// A one-line progress bar on standard error for work that takes more than a couple of seconds.
///
/// It draws nothing when disabled (``isWanted(quiet:)`` is false when `--quiet` is given or
/// standard error is not a terminal) and nothing during the first `delay` seconds, so quick
/// commands print no bar at all. Callers report `completed` of `total` steps and a label; a timer
/// redraws the elapsed time while a long step runs. ``finish()`` clears the line.
final class ProgressBar: @unchecked Sendable {
  private var total: Int
  private let enabled: Bool
  private let delay: TimeInterval
  private let started = Date()
  private let lock = NSLock()
  private var completed = 0
  private var label = ""
  private var drawn = false
  private var timer: DispatchSourceTimer?

  /// A bar for `total` steps; draws only when `enabled`, starting `delay` seconds from now.
  init(total: Int, enabled: Bool, delay: TimeInterval = 2) {
    self.total = max(1, total)
    self.enabled = enabled
    self.delay = delay
    guard enabled else { return }
    let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "lab.progress"))
    timer.schedule(deadline: .now() + delay, repeating: 0.25)
    timer.setEventHandler { [weak self] in self?.draw() }
    timer.resume()
    self.timer = timer
  }

  /// Whether a bar should be drawn: not with `--quiet`, and only on a terminal.
  static func isWanted(quiet: Bool) -> Bool { !quiet && isatty(STDERR_FILENO) != 0 }

  /// Records progress: `completed` of the total steps done (a new `total` if given, for work
  /// whose size is known only once it runs), `label` the step now running.
  func update(completed: Int, total: Int? = nil, label: String) {
    lock.lock()
    if let total { self.total = max(1, total) }
    self.completed = min(completed, self.total)
    self.label = label
    lock.unlock()
    draw()
  }

  /// Stops the timer and clears the bar from the terminal.
  func finish() {
    timer?.cancel()
    lock.lock()
    defer { lock.unlock() }
    if drawn { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    drawn = false
  }

  private func draw() {
    guard enabled else { return }
    lock.lock()
    defer { lock.unlock() }
    let elapsed = Date().timeIntervalSince(started)
    guard elapsed >= delay else { return }
    let text = Self.line(completed: completed, total: total, label: label, elapsed: elapsed, width: 80)
    FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8))
    drawn = true
  }

  /// The bar's text: `[#####-----] 3/7 label (12 s)`, cut to at most `width` characters.
  static func line(completed: Int, total: Int, label: String, elapsed: TimeInterval, width: Int) -> String {
    let cells = 20
    let total = max(1, total), completed = min(max(0, completed), total)
    let filled = completed * cells / total
    let bar = "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: cells - filled) + "]"
    let text = "\(bar) \(completed)/\(total) \(label) (\(Int(elapsed)) s)"
    return text.count <= width ? text : String(text.prefix(max(0, width - 1))) + "…"
  }
}
