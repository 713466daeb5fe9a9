"""First contact after registration (FU-CONTACT): tasks, their due dates and completion."""
