import Testing

@testable import lab

/// `lab bench check`'s cases: the 16,384-latent case (issue 19 item 5) is run only when named, at the
/// N of `--sae-16k-points`, with a timeout that leaves room for its goal.
@Suite("lab bench check's cases")
struct BenchCheckCaseTests {
  @Test("sae-16k is every case but the defaults, and its inputs and check are made at --sae-16k-points")
  func largeSAECase() throws {
    #expect(Set(BenchCheckCase.defaultCases + [.sae16k]) == Set(BenchCheckCase.allCases) && !BenchCheckCase.defaultCases.contains(.sae16k))
    #expect(try BenchCheck.parse([]).selectedCases() == BenchCheckCase.defaultCases)
    let setup = BenchCheckCase.sae16k.setup(in: "/w", threads: 2, points: 12_345)
    #expect(setup.map(\.makes) == ["/w/sae-16k-train/X.npy", "/w/sae-16k/cfg.json", "/w/sae-16k-data-12345/X.npy"])
    #expect(setup[2].arguments.starts(with: ["generate", "synth-sae-bench-16k", "--samples", "12345"]))
    #expect(setup[1].arguments.contains("16384") && setup[1].arguments.starts(with: ["train", "--data", "/w/sae-16k-train/X.npy"]))
    #expect(BenchCheckCase.sae16k.check(in: "/w", threads: 2, points: 12_345)
              == ["check", "--data", "/w/sae-16k-data-12345/X.npy", "--sae", "/w/sae-16k", "--threads", "2"])
  }

  @Test("The timeout is --timeout when given, else 600 s or twice the case's goal (30 min for sae-16k)")
  func timeouts() throws {
    let plain = try BenchCheck.parse(["--cases", "sae-16k"])
    #expect(plain.timeout(for: .sae16k) == 1800 && plain.timeout(for: .treeFloat32) == 600 && plain.timeout(for: .treeFloat64) == 600)
    #expect(try BenchCheck.parse(["--timeout", "30"]).timeout(for: .sae16k) == 30)
    #expect(throws: (any Error).self) { try BenchCheck.parse(["--sae-16k-points", "0"]) }
    #expect(throws: (any Error).self) { try BenchCheck.parse(["--timeout", "0"]) }
  }
}
