import Foundation

/// A one-line progress bar on standard error for work that takes more than a couple of seconds.
///
/// It draws nothing when disabled (``isWanted(quiet:)`` is false when `--quiet` is given or
/// standard error is not a terminal) and nothing during the first `delay` seconds, so quick
/// commands print no bar at all. Callers report `completed` of `total` steps and a label; a timer
/// redraws the elapsed time while a long step runs. The bar never reaches the terminal's last
/// column (so it never wraps, and `\r` plus erase-line always removes all of it), result lines go
/// through ``print(_:)``, which clears the bar first, and ``finish()`` clears the line.
final class ProgressBar: @unchecked Sendable {
  /// Where the bar and the result lines go: standard error and standard output by default.
  struct Streams: Sendable {
    /// Writes bar text (standard error).
    var bar: @Sendable (String) -> Void
    /// Writes a result line (standard output), newline included.
    var result: @Sendable (String) -> Void
    /// The terminal's width in columns.
    var width: @Sendable () -> Int

    /// Standard error, standard output and the width of the terminal on standard error.
    static let standard = Streams(
      bar: { StandardStreams.error($0) },
      result: { Swift.print($0, terminator: "") },
      width: { ProgressBar.terminalWidth() })
  }

  /// Moves to the start of the line and erases it.
  static let clearLine = "\r\u{1B}[K"

  private var total: Int
  private let enabled: Bool
  private let delay: TimeInterval
  private let streams: Streams
  private let started = Date()
  private let lock = NSLock()
  private var completed = 0
  private var label = ""
  private var drawn = false
  private var timer: DispatchSourceTimer?

  /// A bar for `total` steps; draws only when `enabled`, starting `delay` seconds from now.
  init(total: Int, enabled: Bool, delay: TimeInterval = 2, streams: Streams = .standard) {
    self.total = max(1, total)
    self.enabled = enabled
    self.delay = delay
    self.streams = streams
    guard enabled else { return }
    let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "lab.progress"))
    timer.schedule(deadline: .now() + delay, repeating: 0.25)
    timer.setEventHandler { [weak self] in self?.draw() }
    timer.resume()
    self.timer = timer
  }

  /// Whether a bar should be drawn: not with `--quiet`, and only on a terminal.
  static func isWanted(quiet: Bool) -> Bool { !quiet && isatty(STDERR_FILENO) != 0 }

  /// The width of the terminal on standard error, 80 when it cannot be read.
  static func terminalWidth() -> Int {
    var size = winsize()
    guard ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
    return Int(size.ws_col)
  }

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

  /// Prints a result line on standard output, clearing the bar first so that the two never share
  /// a line; the bar is drawn again at its next update or tick.
  func print(_ line: String) {
    lock.lock()
    defer { lock.unlock() }
    if drawn { streams.bar(Self.clearLine) }
    drawn = false
    streams.result(line + "\n")
  }

  /// Stops the timer and clears the bar from the terminal.
  func finish() {
    timer?.cancel()
    lock.lock()
    defer { lock.unlock() }
    if drawn { streams.bar(Self.clearLine) }
    drawn = false
  }

  private func draw() {
    guard enabled else { return }
    lock.lock()
    defer { lock.unlock() }
    let elapsed = Date().timeIntervalSince(started)
    guard elapsed >= delay else { return }
    // One column short of the width: a character in the last column makes some terminals wrap.
    let text = Self.line(completed: completed, total: total, label: label, elapsed: elapsed, width: streams.width() - 1)
    streams.bar(Self.clearLine + text)
    drawn = true
  }

  /// The bar's text: `[#####-----] 3/7 label (12 s)`, cut to at most `width` characters (at
  /// least one).
  static func line(completed: Int, total: Int, label: String, elapsed: TimeInterval, width: Int) -> String {
    let cells = 20
    let width = max(1, width)
    let total = max(1, total), completed = min(max(0, completed), total)
    let filled = completed * cells / total
    let bar = "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: cells - filled) + "]"
    let text = "\(bar) \(completed)/\(total) \(label) (\(Int(elapsed)) s)"
    return text.count <= width ? text : String(text.prefix(width - 1)) + "…"
  }
}
