import LabNumerics
import Testing

@Suite struct BLASRuntimeTests {
  @Test func configurationNamesOpenBLASWithoutSurroundingWhitespace() {
    let configuration = BLAS.configuration
    #expect(configuration.hasPrefix("OpenBLAS"))
    #expect(configuration.last.map { !$0.isWhitespace } == true)
  }

  /// Other tests may run BLAS concurrently; they stay correct at either thread count
  /// (the product tests compare every result with a reference).
  @Test func threadCountRoundTrips() {
    let original = BLAS.threadCount
    #expect(original >= 1)
    BLAS.setThreadCount(1)
    #expect(BLAS.threadCount == 1)
    BLAS.setThreadCount(original)
    #expect(BLAS.threadCount == original)
  }
}
