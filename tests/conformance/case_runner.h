#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tests/conformance/case_file.h"

namespace understudy::testing {

// Why a case failed: the line of the case file to blame and what went wrong.
struct CaseFailure {
  int line = 0;
  std::string message;
};

// Runs a case against 127.0.0.1:port: FLUSHALL on a control connection, which also serves
// "wait"; each connection of the case opens on first use (with HELLO 3 for RESP3 cases). Stops
// at the first step that fails; nullopt if none does. At the end closes the connections and
// waits until the server counts only the control connection.
std::optional<CaseFailure> CheckCase(const Case& c, uint16_t port);

// What record mode learned from running a case against real Redis.
struct Recording {
  std::map<int, std::string> replace;                    // line number -> new expected line
  std::map<int, std::vector<std::string>> insert_after;  // step line -> its expected lines
  std::vector<std::string> problems;                     // mismatches to fix by hand
};

// Runs a case like CheckCase, but instead of stopping at a mismatch notes the line that the
// reply calls for. Lines with holes and "(closed)" are never rewritten: their mismatches are
// problems. A step without expected lines gets one reply line for "> " and "scan> ", and for
// raw every reply until the server goes quiet, plus "(closed)" if it closes.
absl::StatusOr<Recording> RecordCase(const CaseFile& file, const Case& c, uint16_t port);

// The file's lines with a recording applied.
std::vector<std::string> ApplyRecording(const std::vector<std::string>& lines,
                                        const Recording& recording);

}  // namespace understudy::testing
