# The .deb: `cpack -G DEB` in build/release -> build/release/tinybms-gw_<version>_<arch>.deb.
# Contents come from the install rules (packaging/install.cmake, app/, sim/); the maintainer
# scripts in packaging/debian/ do what debhelper would (system user, enable + start the unit).
# Checked by scripts/test-package.sh.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME tinybms-gw)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "tinybms-gw maintainers <maintainers@users.noreply.b-seed-c838488f.example>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Energus TinyBMS to Victron CAN, MQTT and web gateway")
# string(CONCAT): several arguments to set() would make a ;-list, and the ';' would end up in
# the control file.
string(CONCAT CPACK_PACKAGE_DESCRIPTION
    "tinybms-gw reads an Energus TinyBMS over its UART (USB-serial adapter or on-board UART)\n"
    "and publishes the battery to a Victron GX over CAN (BMS-CAN protocol), to MQTT/Home\n"
    "Assistant and to a web UI. It runs as the systemd service tinybms-gw under its own\n"
    "unprivileged user, with a watchdog. The package also contains tinybms-sim, a TinyBMS\n"
    "simulator for testing without a battery.")
# Output next to the build, whatever the current directory of `cpack --config` is.
set(CPACK_PACKAGE_DIRECTORY ${CMAKE_BINARY_DIR})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Library dependencies from the binaries (dpkg-shlibdeps); adduser for the postinst.
# init-system-helpers (deb-systemd-helper) and dpkg-statoverride are Essential on Debian.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${CMAKE_CURRENT_LIST_DIR}/debian/conffiles ${CMAKE_CURRENT_LIST_DIR}/debian/postinst
    ${CMAKE_CURRENT_LIST_DIR}/debian/prerm ${CMAKE_CURRENT_LIST_DIR}/debian/postrm)
# Maintainer scripts 0755, conffiles 0644, whatever the checkout's modes are.
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)

# --- dbus (issue 12): .debs for armhf/arm64 from the cross builds (cmake/toolchain-*.cmake).
# dpkg-shlibdeps needs the target's packages installed, which a cross build does not have, so
# the dependencies are the Debian 12 packages of the libraries the binary links (checked against
# readelf by scripts/test-arm.sh). fmt, spdlog and the C++ runtime are inside the binary.
if(CMAKE_CROSSCOMPILING AND TBGW_TRIPLET)
  if(TBGW_TRIPLET STREQUAL "arm-linux-gnueabihf")
    set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE armhf)
  elseif(TBGW_TRIPLET STREQUAL "aarch64-linux-gnu")
    set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE arm64)
  endif()
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS OFF)
  set(CPACK_DEBIAN_PACKAGE_DEPENDS
      "adduser, libc6 (>= 2.36), libdbus-1-3, libmosquitto1, libsqlite3-0, libssl3")
endif()
# --- end dbus
include(CPack)
