// SPDX-License-Identifier: Apache-2.0
// Precompiled once per test folder kind (cmake/pch.cmake): core.h and QtTest. The GUI tests' own copy is compiled
// with the Widgets definitions, which QtTest reads.
#pragma once

#include "core.h"

#include <QSignalSpy>
#include <QTest>
