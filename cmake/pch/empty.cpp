// SPDX-License-Identifier: Apache-2.0
// The one source of a precompiled-header owner (cmake/pch.cmake): the owner exists to compile its header.
