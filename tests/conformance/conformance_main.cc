// The conformance suite: every case of cases/*.txt runs as one gtest against real
// redis-server (Conformance/Redis.<case>) and one against understudy-server
// (Conformance/Understudy.<case>). With UNDERSTUDY_CONFORMANCE_RECORD set, instead rewrites
// the expected lines of the case files from real Redis (see README.md).

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "tests/conformance/case_file.h"
#include "tests/conformance/case_runner.h"
#include "tests/support/server_process.h"

namespace understudy::testing {
namespace {

constexpr const char* kRecordVariable = "UNDERSTUDY_CONFORMANCE_RECORD";

enum class Target { kRedis, kUnderstudy };

const char* SuiteName(Target target) {
  return target == Target::kRedis ? "Conformance/Redis" : "Conformance/Understudy";
}

// One server of each kind per test process, started when a case first needs it.
class Servers {
 public:
  absl::StatusOr<ServerProcess*> Get(Target target) {
    std::optional<absl::StatusOr<ServerProcess>>& slot =
        target == Target::kRedis ? redis_ : understudy_;
    // A server that died (crashed by an earlier case) is replaced, so that one crash fails
    // one case rather than all that follow.
    if (!slot || (slot->ok() && !(*slot)->Alive().ok())) {
      slot = target == Target::kRedis ? StartRedis() : StartUnderstudy();
    }
    if (!slot->ok()) return slot->status();
    return &**slot;
  }

 private:
  std::optional<absl::StatusOr<ServerProcess>> redis_, understudy_;
};

Servers* servers = nullptr;

class ConformanceTest : public ::testing::Test {
 public:
  ConformanceTest(const CaseFile* file, const Case* c, Target target)
      : file_(file), case_(c), target_(target) {}

  void TestBody() override {
    absl::StatusOr<ServerProcess*> server = servers->Get(target_);
    if (target_ == Target::kRedis && absl::IsNotFound(server.status())) {
      GTEST_SKIP() << "real Redis is not installed, so the oracle half of the conformance "
                      "suite cannot run: "
                   << server.status();
    }
    if (target_ == Target::kUnderstudy && !case_->pending.empty()) {
      GTEST_SKIP() << "pending in understudy: " << case_->pending;
    }
    ASSERT_TRUE(server.ok()) << "cannot start the server: " << server.status();
    std::optional<CaseFailure> failure = CheckCase(*case_, (*server)->port());
    if (!failure) return;
    std::string message = failure->message;
    if (absl::Status alive = (*server)->Alive(); !alive.ok()) {
      message += "\n" + std::string(alive.message());
    }
    ADD_FAILURE_AT(file_->path.c_str(), failure->line) << case_->name << "\n" << message;
  }

 private:
  const CaseFile* file_;
  const Case* case_;
  Target target_;
};

class CaseFileError : public ::testing::Test {
 public:
  explicit CaseFileError(std::string error) : error_(std::move(error)) {}
  void TestBody() override { FAIL() << error_; }

 private:
  std::string error_;
};

std::vector<std::string> CaseFilePaths() {
  std::vector<std::string> paths;
  for (const auto& entry : std::filesystem::directory_iterator(UNDERSTUDY_CONFORMANCE_CASE_DIR)) {
    if (entry.path().extension() == ".txt") paths.push_back(entry.path());
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

void RegisterCases(const std::vector<CaseFile>& files) {
  for (Target target : {Target::kRedis, Target::kUnderstudy}) {
    for (const CaseFile& file : files) {
      for (const Case& c : file.cases) {
        ::testing::RegisterTest(
            SuiteName(target), c.test_name.c_str(), nullptr, nullptr, file.path.c_str(), c.line,
            [&file, &c, target] { return new ConformanceTest(&file, &c, target); });
      }
    }
  }
}

// Counts of the cases of one server that ran, for the closing summary.
std::string Tally(Target target) {
  const ::testing::UnitTest& unit = *::testing::UnitTest::GetInstance();
  int passed = 0, failed = 0, skipped = 0;
  for (int i = 0; i < unit.total_test_suite_count(); ++i) {
    const ::testing::TestSuite& suite = *unit.GetTestSuite(i);
    if (std::string(suite.name()) != SuiteName(target)) continue;
    for (int j = 0; j < suite.total_test_count(); ++j) {
      const ::testing::TestInfo& info = *suite.GetTestInfo(j);
      if (!info.should_run()) continue;
      if (info.result()->Skipped()) {
        ++skipped;
      } else if (info.result()->Failed()) {
        ++failed;
      } else {
        ++passed;
      }
    }
  }
  if (passed + failed + skipped == 0) return "not run";
  return absl::StrCat(passed, " passed, ", failed, " failed, ", skipped, " skipped");
}

// Record mode: rewrites the selected case files from real Redis. The variable is "1" for
// every file, or a comma-separated list of families ("strings,keys").
int Record(const std::string& selection) {
  std::set<std::string> families;
  if (selection != "1") families = absl::StrSplit(selection, ',', absl::SkipEmpty());
  absl::StatusOr<ServerProcess> redis = StartRedis();
  if (!redis.ok()) {
    std::cerr << "record mode needs real Redis: " << redis.status() << "\n";
    return 2;
  }
  int problems = 0;
  for (const std::string& path : CaseFilePaths()) {
    absl::StatusOr<CaseFile> file = LoadCaseFile(path, /*allow_missing_replies=*/true);
    if (!file.ok()) {
      std::cerr << file.status().message() << "\n";
      ++problems;
      continue;
    }
    if (!families.empty() && !families.contains(file->family)) continue;
    Recording all;
    for (const Case& c : file->cases) {
      absl::StatusOr<Recording> recording = RecordCase(*file, c, redis->port());
      if (!recording.ok()) {
        std::cerr << recording.status().message() << "\n";
        ++problems;
        continue;
      }
      all.replace.merge(recording->replace);
      all.insert_after.merge(recording->insert_after);
      for (const std::string& problem : recording->problems) std::cerr << problem << "\n";
      problems += static_cast<int>(recording->problems.size());
    }
    for (const auto& [line, text] : all.replace) {
      std::cout << file->family << ".txt:" << line << ": " << file->lines[line - 1] << "\n"
                << "  now: " << text << "\n";
    }
    for (const auto& [line, texts] : all.insert_after) {
      std::cout << file->family << ".txt:" << line << ": " << file->lines[line - 1] << "\n";
      for (const std::string& text : texts) std::cout << "  add: " << text << "\n";
    }
    if (all.replace.empty() && all.insert_after.empty()) continue;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    for (const std::string& line : ApplyRecording(file->lines, all)) out << line << "\n";
  }
  std::cerr << "record mode: " << problems << " problem(s) to fix by hand\n";
  return problems == 0 ? 0 : 1;
}

}  // namespace
}  // namespace understudy::testing

int main(int argc, char** argv) {
  using namespace understudy::testing;
  ::testing::InitGoogleTest(&argc, argv);
  if (const char* selection = std::getenv(kRecordVariable)) return Record(selection);

  std::vector<CaseFile> files;
  std::vector<std::string> errors;
  for (const std::string& path : CaseFilePaths()) {
    absl::StatusOr<CaseFile> file = LoadCaseFile(path);
    if (file.ok()) {
      files.push_back(*std::move(file));
    } else {
      errors.emplace_back(file.status().message());
    }
  }
  // Registered tests keep pointers into `files`, which no longer changes.
  RegisterCases(files);
  for (const std::string& error : errors) {
    std::string name = std::filesystem::path(error.substr(0, error.find(':'))).stem();
    ::testing::RegisterTest("Conformance/CaseFiles", name.c_str(), nullptr, nullptr, __FILE__,
                            __LINE__, [error] { return new CaseFileError(error); });
  }
  if (files.empty() && errors.empty()) {
    std::cerr << "no case files in " << UNDERSTUDY_CONFORMANCE_CASE_DIR << "\n";
    return 1;
  }

  Servers started;
  servers = &started;
  int status = RUN_ALL_TESTS();
  if (!GTEST_FLAG_GET(list_tests)) {
    size_t cases = 0;
    for (const CaseFile& file : files) cases += file.cases.size();
    std::cout << "Conformance summary: " << cases << " cases in " << files.size()
              << " files; Redis: " << Tally(Target::kRedis)
              << "; Understudy: " << Tally(Target::kUnderstudy) << "\n";
  }
  return status;
}
