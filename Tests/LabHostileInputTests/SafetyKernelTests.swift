import Foundation
import LabFormats
import LabNumerics
import LabRandom
@testable import LabTraining
import PropertyBased
import Testing

/// The small kernels behind issue 20's classes, each against a simple reference on seeded random
/// inputs: plain names (class 3), memory arithmetic (class 1), the finiteness scan of the
/// divergence rule (class 8).
@Suite("Safety kernels against their references")
struct SafetyKernelTests {
  /// Characters that make names hostile, mixed with ordinary ones.
  static let alphabet: [Character] = ["a", "b", "-", "_", "1", ".", "/", "\u{0}", " ", "é", "\\", "~"]

  @Test("A plain name, appended to a directory, names a direct, visible child of it (and every such name of ordinary characters is plain)")
  func plainNames() async {
    await propertyCheck(count: 4000, input: Gen.uint64()) { seed in
      var rng = Xoshiro256StarStar(seed: seed)
      let length = rng.nextInt(below: 8)
      let name = String((0..<length).map { _ in Self.alphabet[rng.nextInt(below: Self.alphabet.count)] })
      // The reference: as a path component under a directory, the name stays one level down and is not hidden.
      let parent = URL(fileURLWithPath: "/tmp/lab-dir")
      let child = parent.appendingPathComponent(name).standardizedFileURL
      let staysInside = !name.isEmpty && !name.contains("/") && !name.contains("\u{0}") && child.deletingLastPathComponent().path == parent.path
      let visible = !name.hasPrefix(".")
      #expect((PlainName.problem(name) == nil) == (staysInside && visible), "'\(name.debugDescription)'")
    }
  }

  @Test("Names longer than the limit are refused, names at it accepted")
  func nameLength() {
    #expect(PlainName.problem(String(repeating: "x", count: PlainName.stemBytes), maximumBytes: PlainName.stemBytes) == nil)
    #expect(PlainName.problem(String(repeating: "x", count: PlainName.stemBytes + 1), maximumBytes: PlainName.stemBytes) != nil)
    #expect(PlainName.problem(String(repeating: "é", count: PlainName.fileBytes / 2 + 1)) != nil)  // bytes, not characters
  }

  @Test("MemoryBudget.bytes is the exact sum of products, or nil exactly when it exceeds Int.max")
  func memoryArithmetic() async {
    await propertyCheck(count: 4000, input: Gen.uint64()) { seed in
      var rng = Xoshiro256StarStar(seed: seed)
      let terms: [(count: Int?, elementSize: Int)] = (0..<(1 + rng.nextInt(below: 4))).map { _ in
        let magnitude = rng.nextInt(below: 63)
        return (Int(rng.next() >> UInt64(63 - magnitude)), 1 + rng.nextInt(below: 32))
      }
      // The reference in 128-bit arithmetic (two 64-bit halves summed exactly through Double is not
      // exact, so the products are compared with Int.max by full-width multiplication).
      var total: (high: Int, low: UInt) = (0, 0), fits = true
      for term in terms {
        let product = term.count!.multipliedFullWidth(by: term.elementSize)
        let (low, carry) = total.low.addingReportingOverflow(product.low)
        total = (total.high + product.high + (carry ? 1 : 0), low)
        if total.high != 0 || total.low > UInt(Int.max) { fits = false }
      }
      let bytes = MemoryBudget.bytes(terms)
      #expect(fits ? bytes == Int(total.low) : bytes == nil, "\(terms.map { ($0.count!, $0.elementSize) })")
    }
    #expect(MemoryBudget.bytes([(nil, 8)]) == nil && MemoryBudget.bytes([(-1, 8)]) == nil)
  }

  @Test("The budget refuses exactly what exceeds the available bytes")
  func budget() {
    #expect(MemoryBudget.problem("x", needs: 100, available: 100) == nil)
    #expect(MemoryBudget.problem("x", needs: 101, available: 100) == "x needs about 101 bytes of memory; the machine has 100 bytes available")
    #expect(MemoryBudget.problem("x", needs: nil, available: 100)?.contains("needs more than 9.22 EB") == true)
    #expect(MemoryBudget.availableBytes() > 0)
  }

  @Test("A growing need gives the budget's answer at every step while the machine's memory stays put, and reads it again before the need passes a quarter of the last headroom")
  func growingNeed() async {
    await propertyCheck(count: 500, input: Gen.uint64()) { seed in
      var rng = Xoshiro256StarStar(seed: seed)
      var watch = MemoryBudget.GrowingNeed(), need = 0, readings = 0
      var available = 1 + rng.nextInt(below: 1 << 30)
      let moving = rng.nextBernoulli(0.5)
      var last: (need: Int, available: Int)?
      for step in 0..<60 {
        need += rng.nextInt(below: 1 + (1 << 30) / 40)
        if moving { available = max(1, available + rng.nextInt(below: 1 << 24) - (1 << 23)) }
        let before = readings
        let answer = watch.problem("step \(step)", needs: need) { readings += 1; return available }
        if readings > before { last = (need, available) }
        if !moving {
          // Nothing else takes memory: the same answer as reading at every step.
          #expect(answer == MemoryBudget.problem("step \(step)", needs: need, available: available), "step \(step)")
        }
        if readings == before {
          // Skipped: within what the last reading had available, by a quarter of its headroom at most.
          let reading = try #require(last, "step \(step) skipped before any reading")
          #expect(answer == nil && need <= reading.available && need - reading.need <= (reading.available - reading.need) / 4)
        }
        if answer != nil { break }
      }
    }
  }

  @Test("MemAvailable is read from whole /proc/meminfo lines only, in bytes, and saturates instead of overflowing")
  func memAvailableParsing() async {
    let names = ["MemTotal:", "MemFree:", "Buffers:", "Cached:", "SwapCached:", "MemAvailableX:", "HugePages_Total:"]
    await propertyCheck(count: 2000, input: Gen.uint64()) { seed in
      var rng = Xoshiro256StarStar(seed: seed)
      var lines = (0..<rng.nextInt(below: 6)).map { _ in "\(names[rng.nextInt(below: names.count)])  \(rng.nextInt(below: 1 << 40)) kB" }
      let kibibytes = rng.nextInt(below: 4) == 0 ? Int.max / 1000 : rng.nextInt(below: 1 << 40)
      let position = rng.nextInt(below: lines.count + 2)
      if position <= lines.count { lines.insert("MemAvailable:   \(kibibytes) kB", at: position) }
      let text = Array(lines.map { $0 + "\n" }.joined().utf8)
      let cut = rng.nextInt(below: 3) == 0 ? rng.nextInt(below: text.count + 1) : text.count
      let kept = String(decoding: text[..<cut], as: UTF8.self)
      // The reference: the line is there only if its newline survived the cut.
      let whole = kept.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
      let expected: Int? = whole.contains { $0.hasPrefix("MemAvailable: ") }
        ? (kibibytes.multipliedReportingOverflow(by: 1024).overflow ? Int.max : kibibytes * 1024) : nil
      #expect(MemoryBudget.memAvailableBytes(meminfo: text[..<cut]) == expected, "\(kept)")
    }
    #expect(MemoryBudget.memAvailableBytes(meminfo: Array("MemAvailable: 99999999999999999999999 kB\n".utf8)) == Int.max)
    #expect(MemoryBudget.memAvailableBytes(meminfo: Array("MemAvailable: kB\n".utf8)) == nil)
    // This machine's file, against Foundation's reading of it (the figure moves, so it is one text for both).
    let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8)
    if let text, let line = text.split(separator: "\n").first(where: { $0.hasPrefix("MemAvailable:") }),
      let kibibytes = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) {
      #expect(MemoryBudget.memAvailableBytes(meminfo: Array(text.utf8)) == kibibytes * 1024)
    }
  }

  @Test("allFinite agrees with Float.isFinite on arrays with injected infinities and NaNs")
  func finiteScan() async {
    let specials: [Float] = [.infinity, -.infinity, .nan, -.nan, .signalingNaN, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
                             .leastNonzeroMagnitude, 0, -0]
    await propertyCheck(count: 2000, input: Gen.uint64()) { seed in
      var rng = Xoshiro256StarStar(seed: seed)
      var values = (0..<rng.nextInt(below: 70)).map { _ in Float(rng.nextUniform() * 2 - 1) * 1e30 }
      for _ in 0..<rng.nextInt(below: 3) where !values.isEmpty {
        values[rng.nextInt(below: values.count)] = specials[rng.nextInt(below: specials.count)]
      }
      #expect(TrainingDivergence.allFinite(values) == values.allSatisfy(\.isFinite))
    }
  }
}
