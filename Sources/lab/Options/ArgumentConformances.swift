import ArgumentParser
import LabFormats
import LabGenerators
import LabSolvers
import LabTraining

// The libraries' closed sets, parsed once at the edge: an unknown value is rejected by the parser,
// which lists the values in the message and in the help.

extension SparseEncoder.Method: ExpressibleByArgument {}

extension LearningRateSchedule.Decay: ExpressibleByArgument {}

extension NumPyArray.ElementType: ExpressibleByArgument {}

extension RandomStreams: ExpressibleByArgument {}
