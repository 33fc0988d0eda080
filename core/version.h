/// @file core/version.h
/// @brief The release version every binary reports (/metrics t26_build_info, the trace).
#pragma once

#include <string_view>

namespace core {

inline constexpr std::string_view kVersion = "0.1.0";

}  // namespace core
