import Foundation

/// The memory the machine can give a command, checked before a large allocation so that a size
/// it cannot hold ends in a message saying how much is needed instead of an abort.
public enum MemoryBudget {
  /// Bytes available now: `MemAvailable` of `/proc/meminfo` (what the kernel can hand out without
  /// swapping), else the free physical pages. Read with the POSIX calls into a buffer on the stack:
  /// Foundation's reading and splitting of the file took 85 µs a call. The kernel's own making of the
  /// file still takes about 80 µs, so a need checked step by step reads it through ``GrowingNeed``.
  public static func availableBytes() -> Int {
    let descriptor = open("/proc/meminfo", O_RDONLY | O_CLOEXEC)
    if descriptor >= 0 {
      defer { close(descriptor) }
      // MemAvailable is the third line, within the first 200 bytes.
      let parsed = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 512) { buffer -> Int? in
        let count = read(descriptor, buffer.baseAddress!, buffer.count)
        return count > 0 ? memAvailableBytes(meminfo: UnsafeBufferPointer(rebasing: buffer[..<count])) : nil
      }
      if let parsed { return parsed }
    }
    return sysconf(Int32(_SC_AVPHYS_PAGES)) * sysconf(Int32(_SC_PAGESIZE))
  }

  /// The bytes of the `MemAvailable:` line of `/proc/meminfo` text ("MemAvailable:   123 kB", in KiB),
  /// `Int.max` if they overflow, nil if no whole line has that name and a number.
  public static func memAvailableBytes(meminfo text: some Collection<UInt8>) -> Int? {
    let name = Array("MemAvailable:".utf8), space = UInt8(ascii: " "), newline = UInt8(ascii: "\n")
    // What follows the last newline is empty or a line the read cut short.
    let lines = text.split(separator: newline, omittingEmptySubsequences: false).dropLast()
    guard let line = lines.first(where: { $0.starts(with: name) }) else { return nil }
    let digits = line.dropFirst(name.count).drop { $0 == space }.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    guard !digits.isEmpty else { return nil }
    // Only ASCII digits: Int's parse fails only when the number does not fit.
    guard let kibibytes = Int(String(decoding: digits, as: UTF8.self)) else { return Int.max }
    return kibibytes.multipliedReportingOverflow(by: 1024).overflow ? Int.max : kibibytes * 1024
  }

  /// The bytes of `count` elements of `elementSize` bytes each, summed over the terms, or nil when
  /// a count is nil (a ``product(_:)`` that overflowed) or the total does not fit in `Int` (which no
  /// machine holds either).
  public static func bytes(_ terms: [(count: Int?, elementSize: Int)]) -> Int? {
    var total = 0
    for term in terms {
      guard let count = term.count, count >= 0 else { return nil }
      let (bytes, overflow) = count.multipliedReportingOverflow(by: term.elementSize)
      guard !overflow else { return nil }
      let (sum, overflowed) = total.addingReportingOverflow(bytes)
      guard !overflowed else { return nil }
      total = sum
    }
    return total
  }

  /// The product of `factors`, or nil when it does not fit in `Int` or a factor is negative.
  public static func product(_ factors: Int...) -> Int? {
    var result = 1
    for factor in factors {
      guard factor >= 0 else { return nil }
      let (next, overflow) = result.multipliedReportingOverflow(by: factor)
      guard !overflow else { return nil }
      result = next
    }
    return result
  }

  /// Nil when `bytes` (nil: more than `Int` holds) fits in the available memory; otherwise the
  /// sentence "… needs about N GB (or more than N EB) of memory; the machine has M GB available", starting with `what`.
  public static func problem(_ what: String, needs bytes: Int?, available: Int = availableBytes()) -> String? {
    if let bytes, bytes <= available { return nil }
    let needed = bytes.map { "about \(describe($0))" } ?? "more than \(describe(Int.max))"
    return "\(what) needs \(needed) of memory; the machine has \(describe(available)) available"
  }

  /// A need that grows while a command runs (sparse codes held until they are written), checked at
  /// every step without reading `/proc/meminfo` at every step (about 80 µs a reading; `lab encode`
  /// stepped 20 times on W1). The memory is read again once the need has grown by more than a
  /// quarter of the headroom (available minus needed) of the last reading, so between readings it
  /// never passes what was available then and leaves three quarters of that headroom to the rest of
  /// the machine; near the limit, where the headroom is small, every step reads.
  public struct GrowingNeed: Sendable {
    /// The need and the available bytes at the last reading.
    private var lastReading: (need: Int, available: Int)?

    /// A need not yet checked.
    public init() {}

    /// ``MemoryBudget/problem(_:needs:available:)`` for the need now `bytes`, with the available
    /// bytes from `available` when the rule above reads them, else from the last reading.
    public mutating func problem(_ what: @autoclosure () -> String, needs bytes: Int, available: () -> Int = availableBytes) -> String? {
      if let last = lastReading, bytes >= last.need, bytes - last.need <= (last.available - last.need) / 4 { return nil }
      let now = available()
      if let problem = MemoryBudget.problem(what(), needs: bytes, available: now) { return problem }
      lastReading = (bytes, now)
      return nil
    }
  }

  /// `bytes` in decimal units with three significant digits ("1.5 GB", "312 MB").
  public static func describe(_ bytes: Int) -> String {
    let units = ["bytes", "kB", "MB", "GB", "TB", "PB", "EB"]
    var value = Double(bytes), unit = 0
    while value >= 1000 && unit < units.count - 1 { value /= 1000; unit += 1 }
    return unit == 0 ? "\(bytes) bytes" : String(format: "%.3g", value) + " " + units[unit]
  }
}
