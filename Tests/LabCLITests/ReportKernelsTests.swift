import Foundation
import LabExperiments
import LabTestSupport
import Testing

@testable import lab

/// `lab run` computes its reports with OpenBLAS's Haswell kernels wherever the CPU runs them, so that
/// the same seed gives the same report bytes on AVX2 and AVX-512 machines; a kernel set the user
/// chose is kept.
@Suite("Report kernels")
struct ReportKernelsTests {
  @Test("The process starts again exactly when it runs on x86-64 with AVX2 and FMA, on other kernels, and no kernels were asked for",
        arguments: [false, true], [false, true])
  func decision(isX86_64: Bool, requested: Bool) {
    for loaded in ["Haswell", "Cooperlake", "SkylakeX", "Zen"] {
      for features: Set<Substring> in [[], ["avx2"], ["fma"], ["avx2", "fma"], ["sse2", "avx2", "avx512f", "fma"]] {
        let expected = isX86_64 && !requested && loaded != "Haswell" && features.contains("avx2") && features.contains("fma")
        let decision = ReportKernels.decision(isX86_64: isX86_64, loadedKernelSet: loaded,
                                              requested: requested ? "SkylakeX" : nil, cpuFeatures: features)
        #expect(decision == (expected ? .restart : .keep), "\(loaded), \(features)")
      }
    }
  }

  @Test("The CPU features are read from the first flags line of /proc/cpuinfo")
  func cpuFeatures() {
    let cpuinfo = "processor\t: 0\nmodel name\t: AMD EPYC\nflags\t\t: fpu sse2 avx2 fma avx512f\nbugs\t\t: sysret_ss_attrs\n\nprocessor\t: 1\nflags\t\t: fpu\n"
    #expect(ReportKernels.cpuFeatures(cpuinfo: cpuinfo) == ["fpu", "sse2", "avx2", "fma", "avx512f"])
    #expect(ReportKernels.cpuFeatures(cpuinfo: "").isEmpty)
  }

  /// The kernel set named in a run's provenance (`blasConfiguration` lists OpenBLAS's build options
  /// and the kernel set it loaded).
  static func kernelsOfRun(environment: [String: String], unsetting: Set<String>) throws -> String {
    let directory = try Scratch.directory()
    let toy = try LabCommandTests.smallToy(in: directory)
    let run = try LabExecutable.run(["run", "hierarchy", "--toy", toy, "--out", directory.path, "--quiet"],
                                    environment: environment, unsetting: unsetting)
    #expect(run.status == 0, "stderr: \(run.stderr)")
    let data = try Data(contentsOf: directory.appendingPathComponent(Provenance.sidecarName(id: "hierarchy")))
    return try JSONDecoder().decode(Provenance.self, from: data).blasConfiguration
  }

  /// Whether this machine's CPU runs the report kernels; the restart cannot be seen on one that does not.
  static let cpuRunsReportKernels = ReportKernels.requiredFeatures.isSubset(
    of: ReportKernels.cpuFeatures(cpuinfo: (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""))

  @Test("lab run computes with the Haswell kernels on a CPU that runs them, whatever OpenBLAS chose at load",
        .enabled(if: cpuRunsReportKernels, "the CPU has no AVX2 and FMA"))
  func runUsesReportKernels() throws {
    let configuration = try Self.kernelsOfRun(environment: [:], unsetting: ["OPENBLAS_CORETYPE"])
    #expect(configuration.split(separator: " ").contains("Haswell"), "\(configuration)")
  }

  @Test("A kernel set chosen with OPENBLAS_CORETYPE is kept")
  func userChoiceKept() throws {
    let configuration = try Self.kernelsOfRun(environment: ["OPENBLAS_CORETYPE": "Sandybridge"], unsetting: [])
    #expect(configuration.split(separator: " ").contains("Sandybridge"), "\(configuration)")
  }
}
